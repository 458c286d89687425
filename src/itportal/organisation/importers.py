"""CSV/XLSX import of org units, people and vendors (see core.importer for the rules)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itportal.core.importer import Column, Importer, parse_bool, parse_choice, parse_int
from itportal.organisation import services
from itportal.organisation.choices import UnitKind
from itportal.organisation.models import Organisation, OrgUnit, Person, Vendor
from itportal.organisation.validators import normalise_org_number


def _yes_no(value):
    return "1" if value else "0"


class _OrganisationCache:
    """Organisations and units looked up once per import, not once per row."""

    def __init__(self):
        self.organisations = {}

    def organisation(self, org_number):
        try:
            key = normalise_org_number(org_number)
        except ValidationError:
            raise ValidationError(
                {
                    "organisation": _("%(value)s is not a valid organisation number.")
                    % {"value": org_number}
                }
            ) from None
        if key not in self.organisations:
            self.organisations[key] = Organisation.objects.filter(org_number=key).first()
        found = self.organisations[key]
        if found is None:
            raise ValidationError(
                {
                    "organisation": _("No organisation has the organisation number %(value)s.")
                    % {"value": org_number}
                }
            )
        return found

    def unit(self, organisation, cost_centre, field):
        unit = OrgUnit.objects.filter(organisation=organisation, cost_centre=cost_centre).first()
        if unit is None:
            raise ValidationError(
                {
                    field: _("%(org)s has no unit with cost centre %(cc)s.")
                    % {"org": organisation, "cc": cost_centre}
                }
            )
        return unit


class OrgUnitImporter(Importer):
    model = OrgUnit
    key = "cost_centre"
    title = gettext_lazy("Import org units")
    columns = (
        Column("organisation", "organisation", gettext_lazy("organisation number"), required=True),
        Column("cost_centre", "cost_centre", gettext_lazy("cost centre"), required=True),
        Column("name", "name", gettext_lazy("name"), required=True),
        Column("kind", "kind", gettext_lazy("kind"), required=True, parse=parse_choice(UnitKind)),
        Column("parent_cost_centre", "parent", gettext_lazy("parent cost centre")),
        Column("headcount", "headcount", gettext_lazy("headcount"), parse=parse_int),
        Column("active", "active", gettext_lazy("active"), parse=parse_bool),
    )

    def __init__(self):
        self.cache = _OrganisationCache()

    def row_key(self, values):
        return (values["organisation"].replace("-", ""), values["cost_centre"].lower())

    def find(self, values):
        organisation = self.cache.organisation(values["organisation"])
        values["_organisation"] = organisation
        return OrgUnit.objects.filter(
            organisation=organisation, cost_centre=values["cost_centre"]
        ).first()

    def apply(self, unit, values):
        organisation = values["_organisation"]
        unit.organisation = organisation
        unit.cost_centre = values["cost_centre"]
        unit.name = values["name"]
        unit.kind = values["kind"]
        if "parent_cost_centre" in values:  # an empty cell: a top unit; no column: unchanged
            parent_cc = values["parent_cost_centre"]
            unit.parent = self.cache.unit(organisation, parent_cc, "parent") if parent_cc else None
        if "headcount" in values:
            unit.headcount = values["headcount"]
        if "active" in values:
            unit.active = values["active"]

    def create(self, instance, *, actor):
        return services.orgunit_create(instance, actor=actor)

    def update(self, instance, *, actor):
        return services.orgunit_update(instance, actor=actor)

    def export_rows(self, queryset):
        for unit in queryset.select_related("organisation", "parent").order_by("path"):
            yield (
                unit.organisation.org_number,
                unit.cost_centre,
                unit.name,
                unit.kind,
                unit.parent.cost_centre if unit.parent else "",
                unit.headcount,
                _yes_no(unit.active),
            )


class PersonImporter(Importer):
    model = Person
    key = "email"
    title = gettext_lazy("Import people")
    columns = (
        Column("email", "email", gettext_lazy("e-mail"), required=True),
        Column("first_name", "first_name", gettext_lazy("first name"), required=True),
        Column("last_name", "last_name", gettext_lazy("last name"), required=True),
        Column("organisation", "organisation", gettext_lazy("organisation number"), required=True),
        Column("unit_cost_centre", "unit", gettext_lazy("unit cost centre"), required=True),
        Column("title", "title", gettext_lazy("title")),
        Column("phone", "phone", gettext_lazy("phone")),
        Column("active", "active", gettext_lazy("active"), parse=parse_bool),
    )

    def __init__(self):
        self.cache = _OrganisationCache()

    def find(self, values):
        values["email"] = values["email"].lower()
        return Person.objects.filter(email=values["email"]).first()

    def apply(self, person, values):
        organisation = self.cache.organisation(values["organisation"])
        person.unit = self.cache.unit(organisation, values["unit_cost_centre"], "unit")
        for name in ("email", "first_name", "last_name", "title", "phone", "active"):
            if name in values:
                setattr(person, name, values[name])

    def create(self, instance, *, actor):
        return services.record_create(instance, actor=actor)

    def update(self, instance, *, actor):
        return services.record_update(instance, actor=actor)

    def export_rows(self, queryset):
        for p in queryset.select_related("unit__organisation"):
            yield (
                p.email,
                p.first_name,
                p.last_name,
                p.unit.organisation.org_number,
                p.unit.cost_centre,
                p.title,
                p.phone,
                _yes_no(p.active),
            )


class VendorImporter(Importer):
    model = Vendor
    key = "name"
    title = gettext_lazy("Import vendors")
    columns = (
        Column("name", "name", gettext_lazy("name"), required=True),
        Column("org_number", "org_number", gettext_lazy("organisation number")),
        Column("country", "country", gettext_lazy("country")),
        Column("website", "website", gettext_lazy("website")),
        Column("email", "email", gettext_lazy("e-mail")),
        Column("phone", "phone", gettext_lazy("phone")),
    )

    def find(self, values):
        if values.get("org_number"):
            try:
                number = normalise_org_number(values["org_number"])
            except ValidationError as exc:
                raise ValidationError({"org_number": exc.messages}) from None
            return Vendor.objects.filter(org_number=number).first()
        return Vendor.objects.filter(name__iexact=values["name"], org_number="").first()

    def apply(self, vendor, values):
        for name in ("name", "org_number", "website", "email", "phone"):
            if name in values:
                setattr(vendor, name, values[name])
        if values.get("country"):
            vendor.country = values["country"]

    def create(self, instance, *, actor):
        return services.record_create(instance, actor=actor)

    def update(self, instance, *, actor):
        return services.record_update(instance, actor=actor)

    def export_rows(self, queryset):
        for v in queryset:
            yield (v.name, v.org_number, v.country, v.website, v.email, v.phone)


IMPORTERS = {"orgunit": OrgUnitImporter, "person": PersonImporter, "vendor": VendorImporter}
