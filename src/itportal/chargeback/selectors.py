"""Reads shared by the run pages and the API: which lines and totals a user may see."""

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from itportal.chargeback.models import ChargebackLine
from itportal.core.permissions import holds_globally

MONEY = DecimalField(max_digits=14, decimal_places=2)


def sees_all_lines(user):
    return holds_globally(user, ChargebackLine, "view")


def visible_lines(user, run):
    return ChargebackLine.objects.restrict(user, "view").filter(run=run)


def with_shown_totals(queryset, user):
    """Annotate `shown_lines/amount/vat/total`: the cached totals for finance roles, sums of
    the user's units' lines (one subquery each) for unit roles."""
    if sees_all_lines(user):
        return queryset.annotate(
            shown_lines=F("line_count"),
            shown_amount=F("total_amount"),
            shown_vat=F("total_vat"),
            shown_total=ExpressionWrapper(F("total_amount") + F("total_vat"), MONEY),
        )
    lines = ChargebackLine.objects.restrict(user, "view").filter(run=OuterRef("pk"))

    def summed(expression, field):
        rows = lines.order_by().values("run").annotate(s=expression).values("s")
        return Coalesce(Subquery(rows, output_field=field), Value(0), output_field=field)

    return queryset.annotate(
        shown_lines=summed(Count("pk"), IntegerField()),
        shown_amount=summed(Sum("amount"), MONEY),
        shown_vat=summed(Sum("vat"), MONEY),
        shown_total=summed(Sum(F("amount") + F("vat"), output_field=MONEY), MONEY),
    )
