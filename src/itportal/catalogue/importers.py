"""CSV/XLSX import of services, prices and subscriptions (rules in core.importer: dry run, all
or nothing, errors by row and column)."""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itportal.catalogue import services
from itportal.catalogue.choices import (
    BillingUnit,
    Category,
    CostKind,
    ServiceStatus,
    SubscriptionSource,
)
from itportal.catalogue.models import Price, PriceList, Service, Subscription
from itportal.core.importer import Column, Importer, parse_bool, parse_choice
from itportal.organisation.models import OrgUnit
from itportal.registry.importers import _Lookups, parse_amount, parse_date

IDENTIFIER_SEPARATORS = re.compile(r"[\n;,]+")


def parse_decimal(value):
    """A number with a comma or a point as decimal mark, spaces as grouping; empty → None.
    Negative numbers pass, so the model's own rule refuses them with its message."""
    text = value.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("%(value)s is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise ValidationError(_("%(value)s is not a number.") % {"value": value})
    return number


def parse_optional_amount(value):
    return parse_amount(value) if value.strip() else None


def parse_id(value):
    value = value.strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise ValidationError(_("%(value)s is not an id (a whole number).") % {"value": value})
    return int(value)


def parse_identifiers(value):
    """Devices or accounts separated by new lines, semicolons or commas → one per line."""
    return "\n".join(i.strip() for i in IDENTIFIER_SEPARATORS.split(value) if i.strip())


def _day(value):
    return value.isoformat() if value else ""


class _CatalogueLookups(_Lookups):
    """The register's lookups (organisations, units, people) plus services by code."""

    def service(self, code, field):
        return self.get(
            "service",
            code.lower(),
            lambda: Service.objects.filter(code__iexact=code).first(),
            field,
            _("No service has the code %(code)s.") % {"code": code},
        )

    def unit_by_id(self, pk, field):
        return self.get(
            "unit_id",
            pk,
            lambda: OrgUnit.objects.filter(pk=pk).first(),
            field,
            _("No unit has the id %(id)s.") % {"id": pk},
        )


class ServiceImporter(Importer):
    model = Service
    key = "code"
    title = gettext_lazy("Import IT services")
    columns = (
        Column("code", "code", gettext_lazy("code"), required=True),
        Column("name", "name", gettext_lazy("name"), required=True),
        Column(
            "category",
            "category",
            gettext_lazy("category"),
            required=True,
            parse=parse_choice(Category),
        ),
        Column(
            "billing_unit",
            "billing_unit",
            gettext_lazy("billing unit"),
            required=True,
            parse=parse_choice(BillingUnit),
        ),
        Column("organisation", "organisation", gettext_lazy("organisation number")),
        Column(
            "owner_unit",
            "owner_unit",
            gettext_lazy("delivering unit (cost centre)"),
            required=True,
        ),
        Column("owner", "owner", gettext_lazy("service owner (e-mail)")),
        Column("summary", "summary", gettext_lazy("summary")),
        Column("included", "included", gettext_lazy("what is included")),
        Column("excluded", "excluded", gettext_lazy("what is not included")),
        Column("status", "status", gettext_lazy("status"), parse=parse_choice(ServiceStatus)),
        Column("cost_kind", "cost_kind", gettext_lazy("cost kind"), parse=parse_choice(CostKind)),
        Column("orderable", "orderable", gettext_lazy("orderable"), parse=parse_bool),
        Column("vat_rate", "vat_rate", gettext_lazy("VAT rate (%)"), parse=parse_optional_amount),
        Column("cost_account", "cost_account", gettext_lazy("cost account")),
        Column("revenue_account", "revenue_account", gettext_lazy("revenue account")),
    )
    plain = (
        "category",
        "billing_unit",
        "summary",
        "included",
        "excluded",
        "status",
        "cost_kind",
        "orderable",
        "vat_rate",
        "cost_account",
        "revenue_account",
    )
    # Texts an empty cell clears (other empty cells leave the stored value as it is).
    clearable = ("summary", "included", "excluded", "cost_account", "revenue_account")

    def __init__(self):
        self.lookups = _CatalogueLookups()

    def find(self, values):
        return Service.objects.filter(code__iexact=values["code"]).first()

    def apply(self, service, values):
        service.code = values["code"]
        service.name = values["name"]
        organisation = None
        if values.get("organisation"):
            organisation = self.lookups.organisation(values["organisation"], "organisation")
        service.owner_unit = self.lookups.unit(values["owner_unit"], "owner_unit", organisation)
        if values.get("owner"):
            service.owner = self.lookups.person(values["owner"], "owner")
        elif "owner" in values:
            service.owner = None
        for name in self.plain:
            if name in values and (values[name] not in ("", None) or name in self.clearable):
                setattr(service, name, values[name])

    def create(self, instance, *, actor):
        return services.record_create(instance, actor=actor)

    def update(self, instance, *, actor):
        return services.record_update(instance, actor=actor)

    def export_rows(self, queryset):
        for s in queryset.select_related("owner_unit__organisation", "owner"):
            yield (
                s.code,
                s.name,
                s.category,
                s.billing_unit,
                s.owner_unit.organisation.org_number,
                s.owner_unit.cost_centre,
                s.owner.email if s.owner else "",
                s.summary,
                s.included,
                s.excluded,
                s.status,
                s.cost_kind,
                "1" if s.orderable else "0",
                str(s.vat_rate),
                s.cost_account,
                s.revenue_account,
            )


class PriceImporter(Importer):
    """A year's prices: the price list is the one of the start date's year (made if missing)."""

    model = Price
    key = "service"
    title = gettext_lazy("Import prices")
    columns = (
        Column("service", "service", gettext_lazy("service (code)"), required=True),
        Column("valid_from", "valid_from", gettext_lazy("valid from"), True, parse_date),
        Column("valid_to", "valid_to", gettext_lazy("valid to"), parse=parse_date),
        Column("amount", "amount", gettext_lazy("price (SEK, excl. VAT)"), True, parse_amount),
    )

    def __init__(self):
        self.lookups = _CatalogueLookups()
        self.price_lists = {p.year: p for p in PriceList.objects.all()}

    def row_key(self, values):
        return (values["service"].lower(), values["valid_from"])

    def price_list(self, year, actor):
        found = self.price_lists.get(year) or PriceList.objects.filter(year=year).first()
        if found is None:
            # Made inside the row's savepoint: a rejected row takes it back with it.
            return services.record_create(PriceList(year=year), actor=actor)
        self.price_lists[year] = found
        return found

    def find(self, values):
        service = self.lookups.service(values["service"], "service")
        values["_service"] = service
        return Price.objects.filter(service=service, valid_from=values["valid_from"]).first()

    def apply(self, price, values):
        price.service = values["_service"]
        price.valid_from = values["valid_from"]
        price.valid_to = values.get("valid_to")
        price.amount = values["amount"]
        if price.price_list_id is None or price.price_list.year != values["valid_from"].year:
            price.price_list = self.price_list(values["valid_from"].year, self._actor)

    def run(self, uploaded, *, actor, dry_run=True):
        self._actor = actor
        return super().run(uploaded, actor=actor, dry_run=dry_run)

    def create(self, instance, *, actor):
        return services.record_create(instance, actor=actor)

    def update(self, instance, *, actor):
        return services.record_update(instance, actor=actor)

    def export_rows(self, queryset):
        for p in queryset.select_related("service").order_by("service__code", "valid_from"):
            yield (p.service.code, _day(p.valid_from), _day(p.valid_to), str(p.amount))


class SubscriptionImporter(Importer):
    """Subscriptions by unit × service. A row with an id updates that subscription; a row
    without one adds a new subscription. The unit is given by its id, or by its cost centre
    (with the organisation number where several organisations use the cost centre)."""

    model = Subscription
    key = "id"
    title = gettext_lazy("Import subscriptions")
    columns = (
        Column("id", "id", gettext_lazy("id (empty: a new subscription)"), parse=parse_id),
        Column("organisation", "organisation", gettext_lazy("organisation number")),
        Column("cost_centre", "cost_centre", gettext_lazy("cost centre")),
        Column("unit", "unit", gettext_lazy("unit (id)"), parse=parse_id),
        Column("service", "service", gettext_lazy("service (code)"), required=True),
        Column("quantity", "quantity", gettext_lazy("quantity"), True, parse_decimal),
        Column("start", "start", gettext_lazy("start"), True, parse_date),
        Column("end", "end", gettext_lazy("end"), parse=parse_date),
        Column(
            "identifiers",
            "identifiers",
            gettext_lazy("devices or accounts"),
            parse=parse_identifiers,
        ),
        Column("reference", "reference", gettext_lazy("reference")),
        Column("note", "note", gettext_lazy("note")),
    )

    def __init__(self):
        self.lookups = _CatalogueLookups()

    def row_key(self, values):
        return values.get("id")  # None: new rows may look alike

    def find(self, values):
        pk = values.get("id")
        if pk is None:
            return None
        found = Subscription.objects.filter(pk=pk).first()
        if found is None:
            raise ValidationError({"id": _("No subscription has the id %(id)s.") % {"id": pk}})
        return found

    def resolve_unit(self, values):
        if values.get("unit") is not None:
            return self.lookups.unit_by_id(values["unit"], "unit")
        if not values.get("cost_centre"):
            raise ValidationError(
                {
                    "cost_centre": _(
                        "Give the unit: its cost centre (with the organisation number) or its "
                        "id in the column unit."
                    )
                }
            )
        organisation = None
        if values.get("organisation"):
            organisation = self.lookups.organisation(values["organisation"], "organisation")
        return self.lookups.unit(values["cost_centre"], "cost_centre", organisation)

    def apply(self, subscription, values):
        subscription.unit = self.resolve_unit(values)
        subscription.service = self.lookups.service(values["service"], "service")
        subscription.quantity = values["quantity"]
        subscription.start = values["start"]
        subscription.end = values.get("end")
        for name in ("identifiers", "reference", "note"):
            if name in values:
                setattr(subscription, name, values[name])
        if subscription.pk is None:
            subscription.source = SubscriptionSource.IMPORT

    def create(self, instance, *, actor):
        return services.record_create(instance, actor=actor)

    def update(self, instance, *, actor):
        return services.record_update(instance, actor=actor)

    def export_rows(self, queryset):
        rows = queryset.select_related("unit__organisation", "service").order_by("pk")
        for s in rows:
            yield (
                str(s.pk),
                s.unit.organisation.org_number,
                s.unit.cost_centre,
                str(s.unit_id),
                s.service.code,
                str(s.quantity),
                _day(s.start),
                _day(s.end),
                ", ".join(s.identifier_list),
                s.reference,
                s.note,
            )
