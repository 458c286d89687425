"""The chargeback scenarios (issue 4): a monthly run against its SQL floor, the run page, the KPIs.

Measured on the demo's catalogue and runs (catalogue/demo.py, chargeback/demo.py); skipped, with
the reason, on a database without chargeback runs (e.g. the runner's own test) or while a page's
URL name does not resolve.

chargeback-run-compute times `chargeback.services.compute_run(<the municipality>, <month>)` in a
transaction that is rolled back: it recomputes the month's draft (or computes a new one) and
stores its lines. The month is the one of the municipality's latest run when that is a draft
(the demo's current month), else the current month. Its floor is one hand-written SQL aggregate
that computes the same service lines: per unit × service × price segment, the sum of quantity ×
price × the days the subscription and the price overlap in the month / the days of the month
(hours and one-offs: quantity × the price on their start day, in the month they start). The
runner's check runs both once and compares them line by line and in total; the IT fee and
adjustment lines (a few hundred, from headcounts) are left out of the floor.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from benchmarks.run import BenchmarkError
from benchmarks.scenarios import EXTRA_ROW_COUNTS, HISTORY, Scenario, _url

for _row in (
    ("subscriptions", "catalogue.Subscription"),
    ("chargeback runs", "chargeback.ChargebackRun"),
    ("chargeback lines", "chargeback.ChargebackLine"),
):
    if _row not in EXTRA_ROW_COUNTS:
        EXTRA_ROW_COUNTS.append(_row)

CENT = Decimal("0.01")
ONCE = ("hour", "one_off")
BENCH_ACTOR = "benchmark"


def _needs(url_name=None):
    """Why a chargeback scenario cannot run here ("" when it can)."""

    def reason():
        from django.urls import NoReverseMatch, reverse

        from itportal.chargeback.models import ChargebackRun

        if url_name:
            try:
                reverse(url_name, args=[1] if url_name.endswith("_detail") else [])
            except NoReverseMatch:
                return f"URL name {url_name} does not resolve (page not installed yet)"
        if not ChargebackRun.objects.filter(organisation__kind="municipality").exists():
            return "the database holds no chargeback runs of a municipality (no demo data)"
        return ""

    return reason


def run_target():
    """The municipality, the month to compute, and the run the run page shows."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from itportal.chargeback.models import ChargebackRun, PeriodKind, RunState, month_bounds
    from itportal.organisation.models import Organisation

    municipality = Organisation.objects.filter(kind="municipality").order_by("pk").first()
    runs = ChargebackRun.objects.filter(organisation=municipality).order_by("-period_start")
    latest = runs.first()
    if latest.state == RunState.DRAFT and latest.kind == PeriodKind.MONTH:
        first = latest.period_start
    else:
        first = timezone.localdate().replace(day=1)
    first, last = month_bounds(first)
    shown = runs.filter(period_start=first).first() or latest
    return {
        "organisation": municipality.pk,
        "period": f"{first:%Y-%m}",
        "first": first,
        "last": last,
        "days": (last - first).days + 1,
        "year": first.year,
        "run": shown.pk,
        "content_type": ContentType.objects.get_for_model(
            ChargebackRun, for_concrete_model=False
        ).pk,
    }


# --- The floor of a monthly run --------------------------------------------------------------
# One statement; `period` holds the month's first and last day, its number of days and its
# year. A price with no end runs to the end of its price list's year, which is the month's year.
FLOOR_SQLITE = """
WITH period(first, last, days, year) AS (SELECT %s, %s, %s, %s)
SELECT s.unit_id, s.service_id, p.amount,
       SUM(s.quantity * p.amount * CASE
           WHEN sv.billing_unit IN ('hour', 'one_off') THEN 1.0
           ELSE (julianday(MIN(COALESCE(s."end", period.last), COALESCE(p.valid_to, period.last),
                               period.last))
                 - julianday(MAX(s.start, p.valid_from, period.first)) + 1) / period.days
       END) AS amount
FROM period
JOIN catalogue_subscription s ON s.start <= period.last
JOIN organisation_orgunit u ON u.id = s.unit_id
JOIN catalogue_service sv ON sv.id = s.service_id
JOIN catalogue_price p ON p.service_id = s.service_id
JOIN catalogue_pricelist pl ON pl.id = p.price_list_id AND pl.year = period.year
WHERE u.organisation_id = %s
  AND CASE WHEN sv.billing_unit IN ('hour', 'one_off')
      THEN s.start >= period.first AND p.valid_from <= s.start
           AND COALESCE(p.valid_to, period.last) >= s.start
      ELSE COALESCE(s."end", period.last) >= period.first
           AND p.valid_from <= MIN(COALESCE(s."end", period.last), period.last)
           AND COALESCE(p.valid_to, period.last) >= MAX(s.start, period.first)
      END
GROUP BY s.unit_id, s.service_id, p.amount
"""

FLOOR_POSTGRESQL = """
WITH period(first, last, days, year) AS (
    SELECT %s::date, %s::date, %s::numeric, %s::integer
)
SELECT s.unit_id, s.service_id, p.amount,
       SUM(s.quantity * p.amount * CASE
           WHEN sv.billing_unit IN ('hour', 'one_off') THEN 1
           ELSE (LEAST(COALESCE(s."end", period.last), COALESCE(p.valid_to, period.last),
                       period.last)
                 - GREATEST(s.start, p.valid_from, period.first) + 1) / period.days
       END) AS amount
FROM period
JOIN catalogue_subscription s ON s.start <= period.last
JOIN organisation_orgunit u ON u.id = s.unit_id
JOIN catalogue_service sv ON sv.id = s.service_id
JOIN catalogue_price p ON p.service_id = s.service_id
JOIN catalogue_pricelist pl ON pl.id = p.price_list_id AND pl.year = period.year
WHERE u.organisation_id = %s
  AND CASE WHEN sv.billing_unit IN ('hour', 'one_off')
      THEN s.start >= period.first AND p.valid_from <= s.start
           AND COALESCE(p.valid_to, period.last) >= s.start
      ELSE COALESCE(s."end", period.last) >= period.first
           AND p.valid_from <= LEAST(COALESCE(s."end", period.last), period.last)
           AND COALESCE(p.valid_to, period.last) >= GREATEST(s.start, period.first)
      END
GROUP BY s.unit_id, s.service_id, p.amount
"""


def floor_query(target):
    from django.db import connection

    sql = FLOOR_POSTGRESQL if connection.vendor == "postgresql" else FLOOR_SQLITE
    params = [
        target["first"].isoformat(),
        target["last"].isoformat(),
        target["days"],
        target["year"],
        target["organisation"],
    ]
    return sql, params


def _floor_sql(picks):
    return [floor_query(picks(run_target))]


def _compute(picks):
    """The timed work: compute the month's run and roll it back (the draft stays as it was)."""
    target = picks(run_target)

    def work():
        from django.db import transaction

        from itportal.chargeback import services
        from itportal.organisation.models import Organisation

        with transaction.atomic():
            organisation = Organisation.objects.get(pk=target["organisation"])
            run = services.compute_run(organisation, target["period"], actor=BENCH_ACTOR)
            transaction.set_rollback(True)
        return run

    return work


def _cents(value):
    return Decimal(repr(value) if isinstance(value, float) else value).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def compare_with_floor(target):
    """Compute the run once (rolled back) and the floor once; compare their service lines.

    Returns a summary; raises BenchmarkError when a line is missing on either side or the
    totals differ by more than rounding can explain (half an öre per line: the run rounds each
    line's exact amount, and SQLite's floor computes in binary floating point)."""
    from django.db import connection, transaction

    from itportal.chargeback import services
    from itportal.chargeback.models import ChargebackLine, LineKind
    from itportal.organisation.models import Organisation

    with transaction.atomic():
        organisation = Organisation.objects.get(pk=target["organisation"])
        run = services.compute_run(organisation, target["period"], actor=BENCH_ACTOR)
        lines = {
            (unit, service, price): amount
            for unit, service, price, amount in ChargebackLine.objects.filter(
                run=run, kind=LineKind.SERVICE
            ).values_list("unit_id", "service_id", "unit_price", "amount")
        }
        transaction.set_rollback(True)
    sql, params = floor_query(target)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    floor, exact = {}, Decimal(0)
    for unit, service, price, amount in rows:
        value = Decimal(repr(amount)) if isinstance(amount, float) else Decimal(amount)
        if value == 0:
            continue  # the engine writes no line for nothing
        exact += value
        floor[(unit, service, _cents(price))] = _cents(value)
    run_total = sum(lines.values(), Decimal(0))
    floor_total = sum(floor.values(), Decimal(0))
    only_run = set(lines) - set(floor)
    only_floor = set(floor) - set(lines)
    if only_run or only_floor:
        raise BenchmarkError(
            f"the run and the SQL floor disagree on which lines exist: {len(only_run)} only in "
            f"the run, {len(only_floor)} only in the floor (e.g. "
            f"{sorted(only_run or only_floor)[:3]})"
        )
    differ = sum(1 for key, amount in lines.items() if floor[key] != amount)
    slack = CENT / 2 * len(lines)
    if abs(run_total - exact) > slack:
        raise BenchmarkError(
            f"the run's service lines total {run_total} but the SQL floor {exact:.4f} "
            f"(more than half an öre per line apart over {len(lines)} lines)"
        )
    if floor_total == run_total and not differ:
        agreement = "equal to the öre, line by line"
    else:
        agreement = (
            f"{differ} of {len(lines)} lines differ by an öre of rounding; the run's total is "
            f"{run_total - exact:+.4f} kr from the floor's unrounded sum"
        )
    return (
        f"{target['period']}: {len(lines):,} service lines; the run's total "
        f"{run_total:,.2f} kr and the floor's (each line rounded to the öre) {floor_total:,.2f} "
        f"kr are {agreement}."
    )


# --- The run page and the KPI page -----------------------------------------------------------
RUN_DETAIL = """
SELECT r.id, r.kind, r.period_start, r.period_end, r.state, r.computed_at, r.approved_at,
       r.closed_at, r.line_count, r.total_amount, r.total_vat, r.version, o.id, o.name, o.kind
FROM chargeback_chargebackrun r
JOIN organisation_organisation o ON o.id = r.organisation_id
WHERE r.id = %s
"""
RUN_UNITS = """
SELECT u.id, u.name, u.cost_centre, u.kind, u.path
FROM organisation_orgunit u
JOIN chargeback_chargebackrun r ON r.organisation_id = u.organisation_id
WHERE r.id = %s
"""
RUN_UNIT_TOTALS = """
SELECT unit_id, cost_centre, SUM(amount), SUM(vat), COUNT(*)
FROM chargeback_chargebackline
WHERE run_id = %s
GROUP BY unit_id, cost_centre
ORDER BY cost_centre, unit_id
"""
RUN_BOOKED = """
SELECT a.id, a.amount, a.reason, l.id, l.description, l.cost_centre, o.id, o.period_start, o.kind
FROM chargeback_adjustment a
JOIN chargeback_chargebackline l ON l.id = a.original_id
JOIN chargeback_chargebackrun o ON o.id = l.run_id
WHERE a.booked_in_id = %s
"""
RUN_CORRECTIONS = """
SELECT a.id, a.amount, a.reason, l.id, b.id, b.period_start, b.kind
FROM chargeback_adjustment a
JOIN chargeback_chargebackline l ON l.id = a.original_id
LEFT JOIN chargeback_chargebackrun b ON b.id = a.booked_in_id
WHERE l.run_id = %s
"""


def _run_detail_sql(picks):
    target = picks(run_target)
    pk = target["run"]
    return [
        (RUN_DETAIL, [pk]),
        (RUN_UNITS, [pk]),
        (RUN_UNIT_TOTALS, [pk]),
        (RUN_BOOKED, [pk]),
        (RUN_CORRECTIONS, [pk]),
        (HISTORY, [target["content_type"], str(pk)]),
    ]


KPI_ORGANISATIONS = "SELECT id, name, kind FROM organisation_organisation ORDER BY name"
KPI_RUNS = """
SELECT id, period_start, kind, state FROM chargeback_chargebackrun WHERE organisation_id = %s
"""
KPI_LINES = """
SELECT l.run_id, l.service_id, SUM(l.amount)
FROM chargeback_chargebackline l
JOIN chargeback_chargebackrun r ON r.id = l.run_id
WHERE r.organisation_id = %s
GROUP BY l.run_id, l.service_id
"""
KPI_SERVICES = "SELECT id, name, code, cost_kind FROM catalogue_service"
KPI_FIGURES = """
SELECT year, operating_cost, other_it_cost, development_cost, inhabitants
FROM chargeback_yearfigures WHERE organisation_id = %s
"""
KPI_HEADCOUNT = """
SELECT SUM(headcount) FROM organisation_orgunit WHERE organisation_id = %s AND active
"""
# Devices of workplace services billed per device on 31 December of each year (today for this
# year): one column per year.
KPI_WORKSTATIONS = """
SELECT {columns}
FROM catalogue_subscription s
JOIN organisation_orgunit u ON u.id = s.unit_id
JOIN catalogue_service sv ON sv.id = s.service_id
WHERE u.organisation_id = %s AND sv.category = 'workplace' AND sv.billing_unit = 'device'
"""
WORKSTATION_COLUMN = (
    'SUM(CASE WHEN s.start <= %s AND (s."end" IS NULL OR s."end" >= %s) THEN s.quantity END)'
)


def kpi_years():
    from django.db.models.functions import ExtractYear

    from itportal.chargeback.models import ChargebackRun, YearFigures

    municipality = run_target()["organisation"]
    years = set(
        ChargebackRun.objects.filter(organisation_id=municipality)
        .annotate(y=ExtractYear("period_start"))
        .values_list("y", flat=True)
    )
    years |= set(
        YearFigures.objects.filter(organisation_id=municipality).values_list("year", flat=True)
    )
    return sorted(years)


def _kpi_sql(picks):
    from django.utils import timezone

    org = picks(run_target)["organisation"]
    today = timezone.localdate()
    days = [min(datetime.date(year, 12, 31), today).isoformat() for year in picks(kpi_years)]
    columns = ", ".join([WORKSTATION_COLUMN] * len(days)) or "COUNT(*)"
    params = [day for day in days for _twice in (0, 1)]
    return [
        KPI_ORGANISATIONS,
        (KPI_RUNS, [org]),
        (KPI_LINES, [org]),
        KPI_SERVICES,
        (KPI_FIGURES, [org]),
        (KPI_HEADCOUNT, [org]),
        (KPI_WORKSTATIONS.format(columns=columns), [*params, org]),
    ]


CHARGEBACK_SCENARIOS: list[Scenario] = [
    Scenario(
        "chargeback-run-compute",
        lambda picks: f"compute_run(municipality, {picks(run_target)['period']})",
        _floor_sql,
        "A monthly chargeback run of the municipality over all its subscriptions, through "
        "chargeback.services.compute_run (recomputes the draft and stores its lines; rolled "
        "back). SQL: one aggregate computing the same service lines (the floor).",
        skip_if=_needs(),
        action=_compute,
        verify=lambda picks: compare_with_floor(picks(run_target)),
    ),
    Scenario(
        "chargeback-run-detail",
        lambda picks: _url("chargeback:run_detail", picks(run_target)["run"]),
        _run_detail_sql,
        "The run page of that month's municipality run: totals per unit grouped by "
        "administration, adjustments, history.",
        skip_if=_needs("chargeback:run_detail"),
    ),
    Scenario(
        "chargeback-kpis",
        lambda picks: _url(
            "chargeback:kpis", query=f"organisation={picks(run_target)['organisation']}"
        ),
        _kpi_sql,
        "Cost KPIs of the municipality for every year with runs: every run's lines summed per "
        "service, year figures, headcount and workstations, with the chart.",
        skip_if=_needs("chargeback:kpis"),
    ),
]
