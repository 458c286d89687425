import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from itportal.catalogue.models import ITFeeRule, PriceList, Service, Subscription
from itportal.core.tables import NumberColumn, PortalTable


class ServiceTable(PortalTable):
    name = tables.Column(linkify=True)
    owner_unit = tables.Column(linkify=True)
    owner = tables.Column(linkify=True)
    price_today = NumberColumn(
        verbose_name=_("Price today (SEK, excl. VAT)"), accessor="price_today", decimals=2
    )

    class Meta(PortalTable.Meta):
        model = Service
        fields = (
            "name",
            "code",
            "category",
            "billing_unit",
            "price_today",
            "status",
            "orderable",
            "owner_unit",
            "owner",
            "cost_kind",
            "vat_rate",
        )

    default_columns = (
        "name",
        "code",
        "category",
        "billing_unit",
        "price_today",
        "status",
        "orderable",
        "owner_unit",
    )


class PriceListTable(PortalTable):
    year = tables.Column(linkify=True)
    price_count = NumberColumn(verbose_name=_("prices"), accessor="price_count")

    class Meta(PortalTable.Meta):
        model = PriceList
        fields = ("year", "price_count", "note")


class SubscriptionTable(PortalTable):
    service = tables.Column(linkify=lambda record: record.get_absolute_url())
    unit = tables.Column(linkify=True)
    cost_centre = tables.Column(verbose_name=_("cost centre"), accessor="unit__cost_centre")
    organisation = tables.Column(
        verbose_name=_("organisation"), accessor="unit__organisation", orderable=False
    )

    class Meta(PortalTable.Meta):
        model = Subscription
        fields = (
            "service",
            "unit",
            "cost_centre",
            "organisation",
            "quantity",
            "start",
            "end",
            "source",
            "reference",
            "note",
        )

    default_columns = (
        "service",
        "unit",
        "cost_centre",
        "quantity",
        "start",
        "end",
        "source",
        "reference",
    )


class ITFeeRuleTable(PortalTable):
    organisation = tables.Column(linkify=True)
    edit = tables.LinkColumn(
        "catalogue:itfeerule_edit",
        args=[tables.A("pk")],
        text=_("Edit"),
        verbose_name=_("Edit"),
        orderable=False,
        exclude_from_export=True,
        attrs={"a": {"aria-label": lambda record: _("Edit %(rule)s") % {"rule": record}}},
    )

    class Meta(PortalTable.Meta):
        model = ITFeeRule
        fields = (
            "organisation",
            "basis",
            "annual_amount",
            "valid_from",
            "valid_to",
            "vat_rate",
            "description",
            "cost_account",
            "revenue_account",
            "edit",
        )

    default_columns = (
        "organisation",
        "basis",
        "annual_amount",
        "valid_from",
        "valid_to",
        "vat_rate",
        "description",
        "edit",
    )
