"""CSV/XLSX import of systems, system roles and integrations (rules in core.importer)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itportal.core.importer import Column, Importer, parse_bool, parse_choice
from itportal.organisation.models import Organisation, OrgUnit, Person, Vendor
from itportal.organisation.validators import normalise_org_number
from itportal.registry import services
from itportal.registry.choices import (
    Frequency,
    IntegrationStatus,
    Lifecycle,
    OperatingForm,
    Scope,
    Technology,
)
from itportal.registry.models import Integration, RoleType, System, SystemRole


def parse_date(value):
    import datetime

    value = value.strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        raise ValidationError(
            _("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}
        ) from None


def parse_amount(value):
    from decimal import Decimal, InvalidOperation

    text = value.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not text:
        return Decimal(0)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("%(value)s is not an amount.") % {"value": value}) from None
    if not amount.is_finite():  # NaN, Infinity: not comparable, not storable
        raise ValidationError(_("%(value)s is not an amount.") % {"value": value})
    if amount < 0:
        raise ValidationError(_("%(value)s is negative.") % {"value": value})
    return amount


class _Lookups:
    """Organisations, units, vendors, people and systems looked up once per import."""

    def __init__(self):
        self.cache = {}

    def cached(self, kind, key, query):
        if (kind, key) not in self.cache:
            self.cache[(kind, key)] = query()
        return self.cache[(kind, key)]

    def get(self, kind, key, query, field, message):
        found = self.cached(kind, key, query)
        if found is None:
            raise ValidationError({field: message})
        return found

    def organisation(self, org_number, field):
        try:
            key = normalise_org_number(org_number)
        except ValidationError:
            raise ValidationError(
                {field: _("%(value)s is not a valid organisation number.") % {"value": org_number}}
            ) from None
        return self.get(
            "organisation",
            key,
            lambda: Organisation.objects.filter(org_number=key).first(),
            field,
            _("No organisation has the organisation number %(value)s.") % {"value": org_number},
        )

    def unit(self, cost_centre, field, organisation=None):
        """The unit with the cost centre, in `organisation` when given. Cost centres are unique
        only within an organisation: without one, a cost centre of several is an error."""
        organisation_pk = organisation.pk if organisation is not None else None

        def query():
            units = OrgUnit.objects.filter(cost_centre=cost_centre)
            if organisation is not None:
                units = units.filter(organisation=organisation)
            return list(units[:2])

        matches = self.cached("unit", (organisation_pk, cost_centre), query)
        if len(matches) > 1:
            raise ValidationError(
                {
                    field: _(
                        "Several organisations have cost centre %(cc)s; give the "
                        "organisation number in the column %(column)s."
                    )
                    % {"cc": cost_centre, "column": "organisation"}
                }
            )
        if not matches:
            if organisation is not None:
                message = _("%(org)s has no unit with cost centre %(cc)s.") % {
                    "org": organisation,
                    "cc": cost_centre,
                }
            else:
                message = _("No unit has cost centre %(cc)s.") % {"cc": cost_centre}
            raise ValidationError({field: message})
        return matches[0]

    def system(self, name, field):
        return self.get(
            "system",
            name.lower(),
            lambda: System.objects.filter(name__iexact=name).first(),
            field,
            _("No system is called %(name)s.") % {"name": name},
        )

    def person(self, email, field):
        return self.get(
            "person",
            email.lower(),
            lambda: Person.objects.filter(email__iexact=email).first(),
            field,
            _("No person has the e-mail address %(email)s.") % {"email": email},
        )

    def vendor(self, name, field):
        return self.get(
            "vendor",
            name.lower(),
            lambda: Vendor.objects.filter(name__iexact=name).first(),
            field,
            _("No vendor is called %(name)s.") % {"name": name},
        )


class SystemImporter(Importer):
    model = System
    key = "name"
    title = gettext_lazy("Import systems")
    columns = (
        Column("name", "name", gettext_lazy("name"), required=True),
        # Cost centres are unique within an organisation: the organisation number tells which
        # one is meant (needed only when several organisations use the cost centre).
        Column("organisation", "organisation", gettext_lazy("organisation number")),
        Column(
            "owning_unit", "owning_unit", gettext_lazy("owning unit (cost centre)"), required=True
        ),
        Column("aliases", "aliases", gettext_lazy("aliases")),
        Column(
            "lifecycle", "lifecycle", gettext_lazy("lifecycle phase"), parse=parse_choice(Lifecycle)
        ),
        Column("scope", "scope", gettext_lazy("scope"), parse=parse_choice(Scope)),
        Column("scope_reason", "scope_reason", gettext_lazy("reason for the scope")),
        Column(
            "operating_form",
            "operating_form",
            gettext_lazy("operating form"),
            parse=parse_choice(OperatingForm),
        ),
        Column("vendor", "vendor", gettext_lazy("vendor")),
        Column("product", "product", gettext_lazy("product")),
        Column("hosting_country", "hosting_country", gettext_lazy("hosting country")),
        Column("hosting_region", "hosting_region", gettext_lazy("hosting region")),
        Column(
            "technical_platform",
            "technical_platform",
            gettext_lazy("part of the technical platform"),
            parse=parse_bool,
        ),
        Column(
            "self_developed", "self_developed", gettext_lazy("self-developed"), parse=parse_bool
        ),
        Column(
            "in_operation_since",
            "in_operation_since",
            gettext_lazy("in operation since"),
            parse=parse_date,
        ),
        Column(
            "planned_retirement",
            "planned_retirement",
            gettext_lazy("planned retirement"),
            parse=parse_date,
        ),
        Column("retired_on", "retired_on", gettext_lazy("retired on"), parse=parse_date),
        Column("last_reviewed", "last_reviewed", gettext_lazy("last reviewed"), parse=parse_date),
        Column(
            "cost_licence", "cost_licence", gettext_lazy("annual licence cost"), parse=parse_amount
        ),
        Column(
            "cost_operation",
            "cost_operation",
            gettext_lazy("annual operation cost"),
            parse=parse_amount,
        ),
        Column(
            "cost_support", "cost_support", gettext_lazy("annual support cost"), parse=parse_amount
        ),
        Column("description", "description", gettext_lazy("description")),
    )
    plain = (
        "aliases",
        "lifecycle",
        "scope",
        "scope_reason",
        "operating_form",
        "product",
        "hosting_country",
        "hosting_region",
        "technical_platform",
        "self_developed",
        "in_operation_since",
        "planned_retirement",
        "retired_on",
        "last_reviewed",
        "cost_licence",
        "cost_operation",
        "cost_support",
        "description",
    )
    # Texts an empty cell clears (other empty cells leave the stored value as it is).
    clearable = ("aliases", "scope_reason", "hosting_region", "description")

    def __init__(self):
        self.lookups = _Lookups()

    def find(self, values):
        return System.objects.filter(name__iexact=values["name"]).first()

    def apply(self, system, values):
        system.name = values["name"]
        organisation = None
        if values.get("organisation"):
            organisation = self.lookups.organisation(values["organisation"], "organisation")
        system.owning_unit = self.lookups.unit(values["owning_unit"], "owning_unit", organisation)
        if values.get("vendor"):
            system.vendor = self.lookups.vendor(values["vendor"], "vendor")
        elif "vendor" in values:
            system.vendor = None
        for name in self.plain:
            if name in values and (values[name] not in ("", None) or name in self.clearable):
                setattr(system, name, values[name])

    def create(self, instance, *, actor):
        return services.record_create(instance, actor=actor)

    def update(self, instance, *, actor):
        return services.record_update(instance, actor=actor)

    def export_rows(self, queryset):
        def day(value):
            return value.isoformat() if value else ""

        for s in queryset.select_related("owning_unit__organisation", "vendor"):
            yield (
                s.name,
                s.owning_unit.organisation.org_number,
                s.owning_unit.cost_centre,
                s.aliases,
                s.lifecycle,
                s.scope,
                s.scope_reason,
                s.operating_form,
                s.vendor.name if s.vendor else "",
                s.product,
                s.hosting_country,
                s.hosting_region,
                "1" if s.technical_platform else "0",
                "1" if s.self_developed else "0",
                day(s.in_operation_since),
                day(s.planned_retirement),
                day(s.retired_on),
                day(s.last_reviewed),
                str(s.cost_licence),
                str(s.cost_operation),
                str(s.cost_support),
                s.description,
            )


class SystemRoleImporter(Importer):
    model = SystemRole
    key = "system"
    title = gettext_lazy("Import system roles")
    columns = (
        Column("system", "system", gettext_lazy("system"), required=True),
        Column("role", "role_type", gettext_lazy("role (code)"), required=True),
        Column("person", "person", gettext_lazy("person (e-mail)"), required=True),
        Column("start", "start", gettext_lazy("from"), parse=parse_date),
        Column("end", "end", gettext_lazy("to"), parse=parse_date),
        Column("appointed_by", "appointed_by", gettext_lazy("appointed by (e-mail)")),
    )

    def __init__(self):
        self.lookups = _Lookups()
        self.role_types = {r.code: r for r in RoleType.objects.all()}

    def row_key(self, values):
        return tuple(str(values.get(k, "")).lower() for k in ("system", "role", "person", "start"))

    def role_type(self, code):
        found = self.role_types.get(code.strip().lower())
        if found is None:
            allowed = ", ".join(sorted(self.role_types))
            raise ValidationError(
                {
                    "role_type": _("%(value)s is not one of: %(allowed)s.")
                    % {"value": code, "allowed": allowed}
                }
            )
        return found

    def find(self, values):
        system = self.lookups.system(values["system"], "system")
        role_type = self.role_type(values["role"])
        person = self.lookups.person(values["person"], "person")
        values["_resolved"] = (system, role_type, person)
        return SystemRole.objects.filter(
            system=system, role_type=role_type, person=person, start=values.get("start")
        ).first()

    def apply(self, role, values):
        role.system, role.role_type, role.person = values["_resolved"]
        role.start = values.get("start")
        role.end = values.get("end")
        if values.get("appointed_by"):
            role.appointed_by = self.lookups.person(values["appointed_by"], "appointed_by")

    def create(self, instance, *, actor):
        return services.record_create(instance, actor=actor)

    def update(self, instance, *, actor):
        return services.record_update(instance, actor=actor)

    def export_rows(self, queryset):
        rows = queryset.filter(person__isnull=False).select_related(
            "system", "role_type", "person", "appointed_by"
        )
        for r in rows:
            yield (
                r.system.name,
                r.role_type.code,
                r.person.email,
                r.start.isoformat() if r.start else "",
                r.end.isoformat() if r.end else "",
                r.appointed_by.email if r.appointed_by else "",
            )


class IntegrationImporter(Importer):
    def row_key(self, values):
        return tuple(values[k].lower() for k in ("source", "target", "information"))

    model = Integration
    key = "information"
    title = gettext_lazy("Import integrations")
    columns = (
        Column("source", "source", gettext_lazy("from system"), required=True),
        Column("target", "target", gettext_lazy("to system"), required=True),
        Column("information", "information", gettext_lazy("information"), required=True),
        Column(
            "technology",
            "technology",
            gettext_lazy("technology"),
            required=True,
            parse=parse_choice(Technology),
        ),
        Column("frequency", "frequency", gettext_lazy("frequency"), parse=parse_choice(Frequency)),
        Column("status", "status", gettext_lazy("status"), parse=parse_choice(IntegrationStatus)),
        Column("owner", "owner", gettext_lazy("owner (e-mail)")),
    )

    def __init__(self):
        self.lookups = _Lookups()

    def find(self, values):
        source = self.lookups.system(values["source"], "source")
        target = self.lookups.system(values["target"], "target")
        values["_systems"] = (source, target)
        return Integration.objects.filter(
            source=source, target=target, information=values["information"]
        ).first()

    def apply(self, integration, values):
        integration.source, integration.target = values["_systems"]
        integration.information = values["information"]
        integration.technology = values["technology"]
        for name in ("frequency", "status"):
            if values.get(name):
                setattr(integration, name, values[name])
        if values.get("owner"):
            integration.owner = self.lookups.person(values["owner"], "owner")

    def create(self, instance, *, actor):
        return services.record_create(instance, actor=actor)

    def update(self, instance, *, actor):
        return services.record_update(instance, actor=actor)

    def export_rows(self, queryset):
        for i in queryset.select_related("source", "target", "owner"):
            yield (
                i.source.name,
                i.target.name,
                i.information,
                i.technology,
                i.frequency,
                i.status,
                i.owner.email if i.owner else "",
            )
