import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itportal.chargeback.models import ChargebackLine, ChargebackRun
from itportal.core.tables import NumberColumn, PortalTable


class RunTable(PortalTable):
    """Runs with the totals the user may see (`shown_*`: the whole run for finance roles, the
    user's units' lines for unit roles; annotated by the view)."""

    organisation = tables.Column(linkify=lambda record: record.get_absolute_url())
    period = tables.Column(
        verbose_name=_("period"),
        accessor="period_label",
        order_by=("period_start",),
        linkify=lambda record: record.get_absolute_url(),
    )
    state = tables.Column()
    lines = NumberColumn(verbose_name=_("lines"), accessor="shown_lines")
    amount = NumberColumn(verbose_name=_("amount excl. VAT"), accessor="shown_amount", decimals=2)
    vat = NumberColumn(verbose_name=_("VAT"), accessor="shown_vat", decimals=2)
    total = NumberColumn(verbose_name=_("total"), accessor="shown_total", decimals=2)

    class Meta(PortalTable.Meta):
        model = ChargebackRun
        fields = ("organisation", "period", "state", "lines", "amount", "vat", "total")


class LineTable(PortalTable):
    cost_centre = tables.Column()
    unit = tables.Column()
    kind = tables.Column()
    service = tables.Column()
    description = tables.Column()
    quantity = NumberColumn(decimals=4)
    unit_price = NumberColumn(decimals=2)
    amount = NumberColumn(decimals=2)
    vat = NumberColumn(decimals=2)
    total = NumberColumn(
        verbose_name=_("total"), accessor="total", decimals=2, order_by=("amount",)
    )
    account = tables.Column()
    revenue_account = tables.Column()

    class Meta(PortalTable.Meta):
        model = ChargebackLine
        fields = (
            "cost_centre",
            "unit",
            "kind",
            "service",
            "description",
            "quantity",
            "unit_price",
            "amount",
            "vat",
            "total",
            "account",
            "revenue_account",
        )

    default_columns = (
        "cost_centre",
        "unit",
        "kind",
        "description",
        "quantity",
        "unit_price",
        "amount",
        "vat",
        "total",
    )


class AdjustColumn(tables.Column):
    """A link to adjust the line (shown to controllers on the lines of a closed run)."""

    def render(self, record):
        return _("Adjust")


def adjust_column():
    return AdjustColumn(
        verbose_name=_("adjustment"),
        accessor="pk",
        orderable=False,
        exclude_from_export=True,
        linkify=lambda record: reverse("chargeback:adjustment_add", args=[record.pk]),
        empty_values=(),
    )
