"""The chargeback computation: what each unit of an organisation pays for a period.

Pure reads; `compute_lines` returns the lines and chargeback.services stores them. Rules:

- Recurring services (per device, user, GB, fixed per month) are billed per calendar month,
  pro rata by days: quantity × monthly price × active days / days in the month. A price that
  changes mid-month splits the month at its date; each price gives its own line.
- Hourly and one-off services are billed once, in the period holding the subscription's start,
  at the price valid on that day.
- The IT fee: the organisation's rule's yearly amount / 12 per employee (unit headcount) or per
  user account (active people of the unit), pro rata by the days the rule is valid.
- Companies pay VAT at the service's (or fee rule's) rate; the municipality's own units do not.
- Adjustments of closed runs not yet booked elsewhere become lines of the first later run.

Exact fractions are summed per line and rounded once, half up, to whole öre, so a run is
reproducible and the lines match hand computation to the öre.
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils.translation import gettext as _

from itportal.catalogue.choices import BillingUnit, FeeBasis
from itportal.catalogue.models import ITFeeRule, Price, PriceList, Subscription
from itportal.chargeback.grouping import InvoiceGroups
from itportal.chargeback.models import Adjustment, LineKind, RunState, month_bounds
from itportal.organisation.choices import OrganisationKind
from itportal.organisation.models import OrgUnit, Person

CENT = Decimal("0.01")
QUANTITY = Decimal("0.0001")


def money(value):
    """Round an exact Fraction or a Decimal half up (away from zero) to whole öre."""
    if isinstance(value, Fraction):
        ore, rest = divmod(abs(value.numerator) * 100, value.denominator)
        if 2 * rest >= value.denominator:
            ore += 1
        return Decimal(-ore if value < 0 else ore).scaleb(-2)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _hundredths(quantity):
    """A quantity (two decimals) as a whole number of hundredths."""
    return int((Decimal(quantity) * 100).to_integral_value(rounding=ROUND_HALF_UP))


def _decimal(fraction, exponent=QUANTITY):
    return (Decimal(fraction.numerator) / Decimal(fraction.denominator)).quantize(
        exponent, rounding=ROUND_HALF_UP
    )


@dataclass
class Line:
    kind: str
    unit_id: int
    cost_centre: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    vat_rate: Decimal
    vat: Decimal
    account: str
    revenue_account: str
    service_id: int | None = None
    fee_rule_id: int | None = None
    adjustment_id: int | None = None
    vat_account: str = ""
    revenue_cost_centre: str = ""
    revenue_unit_name: str = ""
    # Set by _label(): the unit's name and invoice group when the run is computed.
    unit_name: str = ""
    group_key: str = ""
    group_name: str = ""
    group_cost_centre: str = ""
    group_is_company: bool = False

    @property
    def total(self):
        return self.amount + self.vat


def months(start, end):
    """(first, last) day of each calendar month within [start, end]."""
    out, day = [], start
    while day <= end:
        first, last = month_bounds(day)
        out.append((max(first, start), min(last, end)))
        day = last + datetime.timedelta(days=1)
    return out


def _days(start, end):
    return (end - start).days + 1


def check_price_lists(start, end):
    years = set(range(start.year, end.year + 1))
    have = set(PriceList.objects.filter(year__in=years).values_list("year", flat=True))
    missing = sorted(years - have)
    if missing:
        raise ValidationError(
            _(
                "There is no price list for %(years)s. Enter the year's prices before "
                "computing a run for %(start)s – %(end)s."
            )
            % {
                "years": ", ".join(str(y) for y in missing),
                "start": start.isoformat(),
                "end": end.isoformat(),
            }
        )


class _Prices:
    """The prices of every service over a period, as sorted (from, to, amount) segments."""

    def __init__(self, start, end):
        self.segments = defaultdict(list)
        self.names = {}
        rows = (
            Price.objects.filter(valid_from__lte=end)
            .filter(
                Q(valid_to__gte=start) | Q(valid_to__isnull=True, price_list__year__gte=start.year)
            )
            .values_list(
                "service_id",
                "valid_from",
                "valid_to",
                "price_list__year",
                "amount",
                "service__name",
            )
            .order_by("service_id", "valid_from")
        )
        for service_id, valid_from, valid_to, year, amount, name in rows:
            last = valid_to or datetime.date(year, 12, 31)
            if last >= start:
                self.segments[service_id].append((valid_from, last, amount))
            self.names[service_id] = name

    def split(self, service_id, start, end, service_name):
        """[(first, last, price)] covering [start, end]; refuses a day without a price."""
        out, day = [], start
        for first, last, amount in self.segments.get(service_id, ()):
            if last < day or first > end:
                continue
            if first > day:
                break
            stop = min(last, end)
            out.append((day, stop, amount))
            day = stop + datetime.timedelta(days=1)
            if day > end:
                return out
        raise ValidationError(
            _(
                "%(service)s has no price for %(day)s, but units subscribe to it then. "
                "Add the price to the price list first."
            )
            % {"service": service_name, "day": day.isoformat()}
        )


class _Context:
    def __init__(self, organisation):
        self.organisation = organisation
        self.company = organisation.kind == OrganisationKind.COMPANY
        self.units = dict(
            OrgUnit.objects.filter(organisation=organisation).values_list("pk", "cost_centre")
        )
        self.services = {}
        from itportal.catalogue.models import Service

        for row in Service.objects.values(
            "pk",
            "name",
            "billing_unit",
            "vat_rate",
            "cost_account",
            "revenue_account",
            "owner_unit__cost_centre",
            "owner_unit__name",
        ):
            self.services[row["pk"]] = row
        self.groups = InvoiceGroups(organisation)

    def vat_rate(self, rate):
        return Decimal(rate) if self.company else Decimal(0)

    def accounts(self, row):
        """(debit account, VAT account, revenue account) of a service's lines. A company is
        invoiced: receivables with output VAT, in the municipality's books."""
        revenue = row["revenue_account"] or settings.CHARGEBACK_REVENUE_ACCOUNT
        if self.company:
            return (
                settings.CHARGEBACK_RECEIVABLE_ACCOUNT,
                settings.CHARGEBACK_VAT_ACCOUNT,
                revenue,
            )
        return (row["cost_account"] or settings.CHARGEBACK_COST_ACCOUNT, "", revenue)

    def label(self, lines):
        """Give each line its unit's name and invoice group as they are now."""
        for line in lines:
            unit = self.groups.unit(line.unit_id)
            group = self.groups.group_of(line.unit_id)
            line.unit_name = unit.name if unit else f"#{line.unit_id}"
            line.group_key = group.key
            line.group_name = group.name
            line.group_cost_centre = group.cost_centre
            line.group_is_company = group.is_company
        return lines


def _parts():
    return defaultdict(int)


def _recurring(ctx, prices, start, end):
    """{(unit, service, price): {denominator: numerator}}: billable quantity × months as exact
    fractions, kept as integers per denominator (hundredths × days in the month) until the end,
    since Fraction arithmetic per row was the larger part of a run's time."""
    sums = defaultdict(_parts)
    base = Subscription.objects.filter(
        unit__organisation=ctx.organisation, service__billing_unit__in=BillingUnit.recurring()
    )
    for first, last in months(start, end):
        month_days = _days(*month_bounds(first))
        groups = (
            base.filter(start__lte=last)
            .filter(Q(end__isnull=True) | Q(end__gte=first))
            .annotate(
                s=Greatest("start", Value(first)),
                e=Least(Coalesce("end", Value(last)), Value(last)),
            )
            .values_list("unit_id", "service_id", "s", "e")
            .annotate(q=Sum("quantity"))
            .order_by()
        )
        denominator = 100 * month_days
        for unit_id, service_id, s, e, quantity in groups:
            if not quantity:
                continue
            s, e = _as_date(s), _as_date(e)
            hundredths = _hundredths(quantity)
            name = ctx.services[service_id]["name"]
            for seg_start, seg_end, price in prices.split(service_id, s, e, name):
                days = (seg_end - seg_start).days + 1
                sums[(unit_id, service_id, price)][denominator] += hundredths * days
    return sums


def _as_date(value):
    if isinstance(value, str):  # SQLite returns MAX()/MIN() of dates as text
        return datetime.date.fromisoformat(value)
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def _once(ctx, prices, start, end):
    sums = defaultdict(_parts)
    groups = (
        Subscription.objects.filter(
            unit__organisation=ctx.organisation,
            service__billing_unit__in=BillingUnit.once(),
            start__gte=start,
            start__lte=end,
        )
        .values_list("unit_id", "service_id", "start")
        .annotate(q=Sum("quantity"))
        .order_by()
    )
    for unit_id, service_id, day, quantity in groups:
        name = ctx.services[service_id]["name"]
        ((_, _, price),) = prices.split(service_id, day, day, name)
        sums[(unit_id, service_id, price)][100] += _hundredths(quantity)
    return sums


def _round_div(numerator, denominator):
    """numerator / denominator rounded half up, for non-negative integers."""
    whole, rest = divmod(numerator, denominator)
    return whole + (1 if 2 * rest >= denominator else 0)


def _service_lines(ctx, sums):
    """Lines from the exact sums, in integers: öre for money, ten-thousandths for quantities
    (Fractions per line were most of a large run's time)."""
    lines = []
    rates = {}
    for (unit_id, service_id, price), parts in sums.items():
        service = ctx.services[service_id]
        rate = ctx.vat_rate(service["vat_rate"])
        if rate not in rates:
            rates[rate] = _hundredths(rate)
        common = math.lcm(*parts)
        units = sum(n * (common // d) for d, n in parts.items())  # quantity × common
        ore = _round_div(units * _hundredths(price), common)
        vat = _round_div(ore * rates[rate], 10000)
        cost, vat_account, revenue = ctx.accounts(service)
        lines.append(
            Line(
                kind=LineKind.SERVICE,
                unit_id=unit_id,
                cost_centre=ctx.units[unit_id],
                description=service["name"],
                quantity=Decimal(_round_div(units * 10000, common)).scaleb(-4),
                unit_price=price,
                amount=Decimal(ore).scaleb(-2),
                vat_rate=rate,
                vat=Decimal(vat).scaleb(-2),
                account=cost,
                vat_account=vat_account,
                revenue_account=revenue,
                revenue_cost_centre=service["owner_unit__cost_centre"],
                revenue_unit_name=service["owner_unit__name"],
                service_id=service_id,
            )
        )
    return lines


def _fee_counts(ctx, basis):
    if basis == FeeBasis.EMPLOYEE:
        return dict(
            OrgUnit.objects.filter(
                organisation=ctx.organisation, active=True, headcount__gt=0
            ).values_list("pk", "headcount")
        )
    return dict(
        Person.objects.filter(unit__organisation=ctx.organisation, active=True)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _fee_lines(ctx, start, end):
    lines = []
    rules = ITFeeRule.objects.filter(organisation=ctx.organisation, valid_from__lte=end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    )
    for rule in rules.order_by("valid_from"):
        share = Fraction(0)
        for first, last in months(max(start, rule.valid_from), min(end, rule.valid_to or end)):
            share += Fraction(_days(first, last), _days(*month_bounds(first)))
        if not share:
            continue
        monthly = Fraction(rule.annual_amount) / 12
        rate = ctx.vat_rate(rule.vat_rate)
        label = _("IT fee, %(basis)s") % {"basis": rule.get_basis_display()}
        cost = rule.cost_account or settings.CHARGEBACK_FEE_COST_ACCOUNT
        vat_account = ""
        if ctx.company:
            cost, vat_account = (
                settings.CHARGEBACK_RECEIVABLE_ACCOUNT,
                settings.CHARGEBACK_VAT_ACCOUNT,
            )
        revenue = rule.revenue_account or settings.CHARGEBACK_FEE_REVENUE_ACCOUNT
        for unit_id, count in sorted(_fee_counts(ctx, rule.basis).items()):
            quantity = Fraction(count) * share
            amount = money(quantity * monthly)
            lines.append(
                Line(
                    kind=LineKind.FEE,
                    unit_id=unit_id,
                    cost_centre=ctx.units[unit_id],
                    description=label,
                    quantity=_decimal(quantity),
                    unit_price=money(monthly),
                    amount=amount,
                    vat_rate=rate,
                    vat=money(amount * rate / 100),
                    account=cost,
                    vat_account=vat_account,
                    revenue_account=revenue,
                    revenue_cost_centre=settings.CHARGEBACK_FEE_COST_CENTRE,
                    fee_rule_id=rule.pk,
                )
            )
    return lines


def pending_adjustments(organisation, start, run=None):
    """Adjustments to book in a run starting at `start`: of earlier closed runs, not booked in
    another run."""
    booked = Q(booked_in__isnull=True)
    if run is not None and run.pk:
        booked |= Q(booked_in=run)
    return (
        Adjustment.objects.filter(booked)
        .filter(
            original__run__organisation=organisation,
            original__run__state=RunState.CLOSED,
            original__run__period_end__lt=start,
        )
        .select_related("original__run")
        .order_by("pk")
    )


def _adjustment_lines(ctx, adjustments):
    lines = []
    for adj in adjustments:
        line = adj.original
        amount = money(adj.amount)
        lines.append(
            Line(
                kind=LineKind.ADJUSTMENT,
                unit_id=line.unit_id,
                cost_centre=line.cost_centre,
                description=(
                    _("Adjustment of %(period)s, %(what)s: %(reason)s")
                    % {
                        "period": line.run.period_label,
                        "what": line.description,
                        "reason": adj.reason,
                    }
                )[:300],
                quantity=Decimal(0),
                unit_price=Decimal(0),
                amount=amount,
                vat_rate=line.vat_rate,
                vat=money(amount * line.vat_rate / 100),
                account=line.account,
                vat_account=line.vat_account,
                revenue_account=line.revenue_account,
                revenue_cost_centre=line.revenue_cost_centre,
                revenue_unit_name=line.revenue_unit_name,
                service_id=line.service_id,
                fee_rule_id=line.fee_rule_id,
                adjustment_id=adj.pk,
            )
        )
    return lines


def compute_lines(organisation, start, end, *, adjustments=()):
    """Every line of `organisation`'s run for [start, end], in a stable order."""
    check_price_lists(start, end)
    ctx = _Context(organisation)
    prices = _Prices(start, end)
    sums = _recurring(ctx, prices, start, end)
    for key, parts in _once(ctx, prices, start, end).items():
        for denominator, numerator in parts.items():
            sums[key][denominator] += numerator
    lines = _service_lines(ctx, sums) + _fee_lines(ctx, start, end)
    lines.sort(key=lambda x: (x.unit_id, x.kind, x.service_id or 0, x.unit_price))
    return ctx.label(lines + _adjustment_lines(ctx, adjustments))


def yearly_by_unit(organisation, year):
    """{unit_id: (services, fee)} for a calendar year, without storing anything: the basis of
    the transition simulation. Adjustments are left out (they correct earlier years)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    out = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for line in compute_lines(organisation, start, end):
        out[line.unit_id][0 if line.kind == LineKind.SERVICE else 1] += line.amount
    return out
