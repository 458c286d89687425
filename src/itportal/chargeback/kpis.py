"""Cost KPIs of an organisation per year, computed from its chargeback runs and year figures.

Definitions (also in docs/kpi-exchange.md; the codes are the ones we exchange with peers):

- Total IT cost (ITK001): the amounts excluding VAT of every line of the organisation's runs
  whose period starts in the year (service, IT fee and adjustment lines; all run states — a
  year with a draft run is *preliminary*), plus the year figures' other IT costs and
  development costs.
- Per employee (ITK002): total / the headcount of the organisation's active units (today's).
- Per workstation (ITK003): total / the devices subscribed through workplace services billed
  per device, active on 31 December (today for the current year).
- Per inhabitant (ITK004): total / the year figures' inhabitants, else the organisation's.
- Share of operating cost (ITK005): total / the year figures' operating cost, in per cent.
- Development share (ITK006): development / total, in per cent. A line is development when its
  service's cost kind is development; the IT fee and the other IT costs keep things running;
  the year figures' development costs are development.

Everything is aggregated in the database: the number of queries does not grow with the number
of lines, runs or years, and no line is loaded into Python.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from itportal.catalogue.choices import BillingUnit, Category, CostKind
from itportal.catalogue.models import Service, Subscription
from itportal.chargeback.models import (
    ChargebackLine,
    ChargebackRun,
    PeriodKind,
    RunState,
    YearFigures,
)
from itportal.organisation.choices import OrganisationKind
from itportal.organisation.models import Organisation, OrgUnit

CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class KPI:
    code: str
    label: str
    unit: str
    definition: str
    attr: str  # the attribute of YearKPIs holding the value

    def value(self, year_kpis):
        return getattr(year_kpis, self.attr)


KPIS = (
    KPI(
        "ITK001",
        _("Total IT cost"),
        _("SEK"),
        _(
            "Amounts excl. VAT of all chargeback lines of the year (services, IT fee, "
            "adjustments) plus other IT costs and development costs entered for the year."
        ),
        "total",
    ),
    KPI(
        "ITK002",
        _("IT cost per employee"),
        _("SEK per employee"),
        _("Total IT cost divided by the headcount of the organisation's active units."),
        "per_employee",
    ),
    KPI(
        "ITK003",
        _("IT cost per workstation"),
        _("SEK per workstation"),
        _(
            "Total IT cost divided by the devices subscribed through workplace services billed "
            "per device on 31 December (today for the current year)."
        ),
        "per_workstation",
    ),
    KPI(
        "ITK004",
        _("IT cost per inhabitant"),
        _("SEK per inhabitant"),
        _("Total IT cost divided by the inhabitants on 31 December."),
        "per_inhabitant",
    ),
    KPI(
        "ITK005",
        _("IT cost as a share of operating cost"),
        _("%"),
        _("Total IT cost as a percentage of the organisation's gross operating cost."),
        "operating_share",
    ),
    KPI(
        "ITK006",
        _("Development share of IT cost"),
        _("%"),
        _("IT development costs as a percentage of the total IT cost."),
        "development_share",
    ),
)
KPIS_BY_CODE = {kpi.code: kpi for kpi in KPIS}


def rounded(value):
    return None if value is None else Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _ratio(numerator, denominator, factor=1):
    if not denominator:
        return None
    return rounded(Decimal(numerator) * factor / Decimal(denominator))


@dataclass
class YearKPIs:
    year: int
    charged: Decimal = ZERO  # all run lines, excl. VAT
    charged_development: Decimal = ZERO  # of which lines of development services
    other_it_cost: Decimal = ZERO
    development_cost: Decimal = ZERO
    has_figures: bool = False
    operating_cost: Decimal | None = None
    inhabitants: int | None = None
    headcount: int = 0
    workstations: Decimal = ZERO
    runs: int = 0
    months: int = 0  # months covered by the year's runs
    preliminary: bool = False  # a run of the year is still a draft

    @property
    def development(self):
        return self.charged_development + self.development_cost

    @property
    def keep_running(self):
        return self.total - self.development

    @property
    def total(self):
        return self.charged + self.other_it_cost + self.development_cost

    @property
    def per_employee(self):
        return _ratio(self.total, self.headcount)

    @property
    def per_workstation(self):
        return _ratio(self.total, self.workstations)

    @property
    def per_inhabitant(self):
        return _ratio(self.total, self.inhabitants)

    @property
    def operating_share(self):
        return _ratio(self.total, self.operating_cost, HUNDRED)

    @property
    def development_share(self):
        return _ratio(self.development, self.total, HUNDRED)

    @property
    def incomplete(self):
        return self.runs > 0 and self.months < 12

    def values(self):
        """[(KPI, value or None)] in the order of KPIS."""
        return [(kpi, kpi.value(self)) for kpi in KPIS]


@dataclass
class ServiceRow:
    key: str
    name: str
    cost_kind: str
    amounts: dict = field(default_factory=dict)  # {year: Decimal}

    def amount(self, year):
        return self.amounts.get(year, ZERO)


@dataclass
class CostReport:
    organisation: Organisation
    years: list  # [YearKPIs], oldest first
    services: list  # [ServiceRow], the breakdown of the total per year

    @property
    def by_year(self):
        return {y.year: y for y in self.years}

    @property
    def latest(self):
        return self.years[-1] if self.years else None

    def service_totals(self):
        return {y.year: y.total for y in self.years}


def default_organisation(queryset=None):
    """The municipality (the first organisation of kind municipality), else the first one."""
    queryset = Organisation.objects.all() if queryset is None else queryset
    return (
        queryset.filter(kind=OrganisationKind.MUNICIPALITY).order_by("name", "pk").first()
        or queryset.order_by("name", "pk").first()
    )


def _stock_day(year, today):
    return min(datetime.date(year, 12, 31), today)


def _workstations(organisation, years, today):
    """{year: devices of workplace services billed per device, active on the year's stock day},
    in one query whatever the number of years."""
    if not years:
        return {}
    sums = {}
    for year in years:
        day = _stock_day(year, today)
        active = Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day))
        sums[f"y{year}"] = Sum("quantity", filter=active)
    first, last = _stock_day(min(years), today), _stock_day(max(years), today)
    row = (
        Subscription.objects.filter(
            unit__organisation=organisation,
            service__category=Category.WORKPLACE,
            service__billing_unit=BillingUnit.DEVICE,
            start__lte=last,
        )
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .aggregate(**sums)
    )
    return {year: row[f"y{year}"] or ZERO for year in years}


def cost_report(organisation, *, today=None):
    """The KPIs of every year with runs or year figures, and the per-service breakdown."""
    today = today or timezone.localdate()
    runs = list(
        ChargebackRun.objects.filter(organisation=organisation).values_list(
            "pk", "period_start", "kind", "state"
        )
    )
    run_year = {pk: start.year for pk, start, _kind, _state in runs}
    years = {}

    def year_of(year):
        if year not in years:
            years[year] = YearKPIs(year=year)
        return years[year]

    for _pk, start, kind, state in runs:
        item = year_of(start.year)
        item.runs += 1
        item.months += 3 if kind == PeriodKind.QUARTER else 1
        item.preliminary |= state == RunState.DRAFT

    amounts = defaultdict(lambda: defaultdict(Decimal))  # service id or None → year → amount
    if runs:
        grouped = (
            ChargebackLine.objects.filter(run__organisation=organisation)
            .values_list("run_id", "service_id")
            .annotate(amount=Sum("amount"))
            .order_by()
        )
        for run_id, service_id, amount in grouped:
            amounts[service_id][run_year[run_id]] += amount or ZERO

    services = {
        row["pk"]: row
        for row in Service.objects.filter(pk__in=[pk for pk in amounts if pk]).values(
            "pk", "name", "code", "cost_kind"
        )
    }
    for service_id, per_year in amounts.items():
        development = (
            service_id is not None and services[service_id]["cost_kind"] == CostKind.DEVELOPMENT
        )
        for year, amount in per_year.items():
            item = year_of(year)
            item.charged += amount
            if development:
                item.charged_development += amount

    for figures in YearFigures.objects.filter(organisation=organisation):
        item = year_of(figures.year)
        item.has_figures = True
        item.other_it_cost = figures.other_it_cost
        item.development_cost = figures.development_cost
        item.operating_cost = figures.operating_cost
        item.inhabitants = figures.inhabitants

    headcount = (
        OrgUnit.objects.filter(organisation=organisation, active=True).aggregate(
            n=Sum("headcount")
        )["n"]
        or 0
    )
    stations = _workstations(organisation, sorted(years), today)
    for item in years.values():
        item.headcount = headcount
        item.workstations = stations.get(item.year, ZERO)
        if item.inhabitants is None:
            item.inhabitants = organisation.inhabitants

    ordered = [years[y] for y in sorted(years)]
    return CostReport(organisation, ordered, _service_rows(amounts, services, ordered))


def _service_rows(amounts, services, years):
    rows = []
    for service_id, per_year in amounts.items():
        if service_id is None:
            continue
        service = services[service_id]
        rows.append(
            ServiceRow(f"s{service_id}", service["name"], service["cost_kind"], dict(per_year))
        )
    rows.sort(key=lambda r: r.name.lower())
    if None in amounts:
        rows.append(ServiceRow("fee", str(_("IT fee")), CostKind.KEEP_RUNNING, dict(amounts[None])))
    other = {y.year: y.other_it_cost for y in years if y.other_it_cost}
    if other:
        rows.append(
            ServiceRow("other", str(_("Other IT costs (entered)")), CostKind.KEEP_RUNNING, other)
        )
    development = {y.year: y.development_cost for y in years if y.development_cost}
    if development:
        rows.append(
            ServiceRow(
                "development",
                str(_("IT development costs (entered)")),
                CostKind.DEVELOPMENT,
                development,
            )
        )
    return rows


# --- The exchange format (Kolada-shaped JSON; docs/kpi-exchange.md) --------------------------


def _number(value):
    """A Decimal as a JSON number: an int when whole, else a float with at most 2 decimals."""
    value = rounded(value)
    return int(value) if value == value.to_integral_value() else float(value)


def exchange_entries(report):
    """The KPI values of a cost report as Kolada-shaped entries (years with a value only)."""
    organisation = report.organisation
    entries = []
    for item in report.years:
        for kpi, value in item.values():
            if value is None:
                continue
            entries.append(
                {
                    "kpi": kpi.code,
                    "municipality": organisation.municipality_code,
                    "municipality_name": organisation.name,
                    "period": item.year,
                    "values": [
                        {
                            "gender": "T",
                            "status": "preliminary" if item.preliminary else "",
                            "value": _number(value),
                            "count": 1,
                        }
                    ],
                }
            )
    return entries


def exchange_document(organisation, *, today=None):
    """The whole JSON document of an organisation's KPIs: {"count": N, "values": [...]}."""
    entries = exchange_entries(cost_report(organisation, today=today))
    return {"count": len(entries), "values": entries}


def exchange_filename(organisation, today=None):
    today = today or timezone.localdate()
    code = organisation.municipality_code or f"org{organisation.pk}"
    return f"it-kpis-{code}-{today.isoformat()}.json"


__all__ = [
    "KPIS",
    "KPIS_BY_CODE",
    "CostReport",
    "YearKPIs",
    "cost_report",
    "default_organisation",
    "exchange_document",
    "exchange_entries",
]
