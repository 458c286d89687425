"""The chargeback step of the demo generator.

Builds on the catalogue step (services, price lists, IT fee rules, subscriptions):

    * year figures of the municipality for 2024 up to this year: gross operating cost (about
      `operating_cost_per_inhabitant` kr per inhabitant, rising some 4 % a year), other IT
      costs not charged through the catalogue and IT development costs (shares of the
      operating cost), and the number of inhabitants on 31 December;
    * chargeback runs for the municipality and every company, computed, approved and closed
      through chargeback.services exactly as a controller would (actor "command:demo"):
      quarterly for the years before this one (2024 and 2025), monthly for this year up to last
      month (`monthly` "year"; the large profile, "quarter", runs this year's complete quarters
      quarterly and only the current quarter's months monthly, to keep its build short), and
      this month as a draft;
    * one adjustment of a closed line (a computer billed a month after it was handed in),
      booked in this month's draft of the municipality;
    * peer KPI values (ITK001–ITK006) for 2024 and 2025 of `peers` fictitious municipalities,
      named "Demokommun A", "Demokommun B", … with codes 9901, 9902, … (no real municipality has
      a code starting with 99), so the benchmark page places us among them. Their sizes follow
      `peer_inhabitants`; their figures are drawn around what Swedish municipalities report
      (IT cost 2–4 % of gross operating cost, 8–22 % of it development).

The runs and their lines are written by the services (with their own audit rows); the year
figures, the adjustment's original line aside, and the peer values through ctx.create.

Left on `ctx` for later steps:
    runs                  every ChargebackRun, oldest period first
    draft_runs            {organisation pk: this month's draft run}
    adjustment            the Adjustment booked in the municipality's draft
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from itportal.chargeback import services
from itportal.chargeback.models import ChargebackLine, LineKind, PeerValue, YearFigures

FIRST_YEAR = 2024
PEER_YEARS = (2024, 2025)
PEER_SOURCE = "demo: fiktiva jämförelsekommuner"
KRONA = Decimal(1)
CENT = Decimal("0.01")


def periods(today, monthly="year"):
    """(closed periods oldest first, this month's period): quarters for the years before this
    one, then months of this year before this month. With `monthly` "quarter", the quarters of
    this year before the current one are quarterly runs too (the large profile: fewer runs)."""
    closed = [f"{year}-Q{q}" for year in range(FIRST_YEAR, today.year) for q in (1, 2, 3, 4)]
    first_month = 1
    if monthly == "quarter":
        quarter = (today.month - 1) // 3  # complete quarters of this year
        closed += [f"{today.year}-Q{q}" for q in range(1, quarter + 1)]
        first_month = 3 * quarter + 1
    closed += [f"{today.year}-{month:02d}" for month in range(first_month, today.month)]
    return closed, f"{today:%Y-%m}"


def _money(value, step=KRONA):
    """`value` rounded half up to a multiple of `step` (1 kr, 1 000 kr, 1 öre, …)."""
    step = Decimal(step)
    whole = (Decimal(value) / step).quantize(KRONA, rounding=ROUND_HALF_UP)
    return (whole * step).quantize(CENT)


class _Builder:
    def __init__(self, ctx):
        self.ctx = ctx
        self.p = ctx.params("chargeback")
        self.rng = ctx.rng
        self.today = timezone.localdate()

    def year_figures(self):
        ctx, rng, p = self.ctx, self.rng, self.p
        municipality = ctx.municipality
        inhabitants = municipality.inhabitants or 50_000
        rows = []
        for year in range(FIRST_YEAR, self.today.year + 1):
            back = self.today.year - year
            people = round(inhabitants / (1.008**back))
            operating = people * p["operating_cost_per_inhabitant"] / (1.04**back)
            operating *= rng.uniform(0.99, 1.01)
            rows.append(
                YearFigures(
                    organisation=municipality,
                    year=year,
                    operating_cost=_money(operating, Decimal(100_000)),
                    other_it_cost=_money(operating * rng.uniform(*p["other_it_share"]), 1000),
                    development_cost=_money(operating * rng.uniform(*p["development_share"]), 1000),
                    inhabitants=people,
                    note=(
                        "Preliminära siffror; fastställs i årsredovisningen."
                        if year == self.today.year
                        else f"Enligt årsredovisningen {year}."
                    ),
                )
            )
        ctx.create(rows)

    def runs(self):
        ctx = self.ctx
        actor = ctx.actor
        closed, current = periods(self.today, self.p.get("monthly", "year"))
        ctx.runs = []
        for period in closed:
            for organisation in ctx.organisations:
                run = services.compute_run(organisation, period, actor=actor)
                run = services.approve_run(run, actor=actor)
                run = services.close_run(run, actor=actor)
                ctx.runs.append(run)
        ctx.adjustment = self.adjustment()
        ctx.draft_runs = {}
        for organisation in ctx.organisations:
            run = services.compute_run(organisation, current, actor=actor)
            ctx.runs.append(run)
            ctx.draft_runs[organisation.pk] = run
        if ctx.runs:
            ctx.created[type(ctx.runs[0])] += len(ctx.runs)
            ctx.created[ChargebackLine] += sum(run.line_count for run in ctx.runs)

    def adjustment(self):
        """Credit one computer-month of the municipality's last closed run."""
        ctx = self.ctx
        last = [run for run in ctx.runs if run.organisation_id == ctx.municipality.pk]
        if not last:
            return None
        service = getattr(ctx, "service_by_code", {}).get("DST-BAS")
        lines = ChargebackLine.objects.filter(run=last[-1], kind=LineKind.SERVICE)
        if service is not None:
            lines = lines.filter(service=service, quantity__gte=2)
        line = lines.order_by("pk").first()
        if line is None:
            return None
        months = 3 if last[-1].kind == "quarter" else 1
        amount = -_money(line.unit_price * months, CENT)
        return services.create_adjustment(
            line,
            amount=amount,
            reason=(
                f"Datorn återlämnades före {last[-1].period_label} men debiterades ändå "
                f"(ärende INC-{self.today.year}-{self.rng.randint(1000, 9999)})."
            ),
            actor=ctx.actor,
        )

    def peers(self):
        ctx, rng, p = self.ctx, self.rng, self.p
        rows = []
        low, high = p["peer_inhabitants"]
        for i in range(p["peers"]):
            name = f"Demokommun {chr(ord('A') + i)}"
            code = f"99{i + 1:02d}"
            inhabitants = round(low * (high / low) ** rng.random(), -2)
            employees = inhabitants * rng.uniform(0.075, 0.095)
            # Workplace devices billed per device, pupils' computers included.
            devices = employees * rng.uniform(1.6, 3.2)
            operating = inhabitants * rng.uniform(85_000, 110_000)
            share = rng.uniform(2.0, 4.0)
            development = rng.uniform(8, 22)
            for year in PEER_YEARS:
                if year > PEER_YEARS[0]:
                    inhabitants *= rng.uniform(1.0, 1.015)
                    operating *= rng.uniform(1.02, 1.06)
                    share *= rng.uniform(0.96, 1.08)
                    development = min(35, max(4, development + rng.uniform(-2, 3)))
                total = operating * share / 100
                values = {
                    "ITK001": _money(total),
                    "ITK002": _money(total / employees),
                    "ITK003": _money(total / devices),
                    "ITK004": _money(total / inhabitants),
                    "ITK005": _money(share, CENT),
                    "ITK006": _money(development, CENT),
                }
                for kpi, value in values.items():
                    rows.append(
                        PeerValue(
                            kpi=kpi,
                            municipality=code,
                            municipality_name=name,
                            period=year,
                            gender="T",
                            value=value,
                            source=PEER_SOURCE,
                        )
                    )
        ctx.create(rows)

    def run(self):
        self.year_figures()
        self.runs()
        self.peers()


def build(ctx):
    """The chargeback step: year figures, closed and draft runs, an adjustment, peer KPIs."""
    _Builder(ctx).run()
