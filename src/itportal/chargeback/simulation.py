"""The transition simulation: what each unit pays for a year today (IT fee + directly charged
services) and what it would pay if the fee were replaced by the services.

Under the service model a unit pays for the services it uses; under the IT fee it pays per
employee or user account. Today units pay both. The "services only" scenario recovers the fee's
revenue through the services instead, in proportion to each unit's service use, so the total
stays the same (revenue-neutral): a unit's scenario amount is

    services(unit) + fee(total) × services(unit) / services(total)

and the difference (scenario − today) is what replacing the fee would shift onto or off the
unit. The fee's revenue is spread to the öre by the largest remainder, so the scenario's total
equals today's total exactly.

The amounts come from `engine.yearly_by_unit`, the same computation as a chargeback run, for
the whole calendar year without storing anything: today's headcounts and user accounts and the
subscriptions as registered (also for months that have not yet happened).
"""

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from itportal.chargeback import engine
from itportal.organisation.choices import UnitKind
from itportal.organisation.models import OrgUnit

ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass
class UnitRow:
    unit_id: int
    name: str
    cost_centre: str
    depth: int
    path: str
    administration: str
    fee: Decimal
    services: Decimal
    scenario: Decimal = ZERO

    @property
    def today(self):
        return self.fee + self.services

    @property
    def difference(self):
        return self.scenario - self.today


class Sums:
    """The sums of `rows` (UnitRows) per column."""

    def _sum(self, attr):
        return sum((getattr(r, attr) for r in self.rows), ZERO)

    @property
    def fee(self):
        return self._sum("fee")

    @property
    def services(self):
        return self._sum("services")

    @property
    def today(self):
        return self._sum("today")

    @property
    def scenario(self):
        return self._sum("scenario")

    @property
    def difference(self):
        return self._sum("difference")


@dataclass
class Group(Sums):
    """The rows of one administration (or of a unit above the administrations) and its sums."""

    name: str
    rows: list = field(default_factory=list)


@dataclass
class Simulation(Sums):
    organisation: object
    year: int
    rows: list  # [UnitRow] in tree order

    @property
    def unrecovered(self):
        """The fee's revenue that no service use can carry (no unit uses any service)."""
        return self.fee if self.fee and not self.services else ZERO

    @property
    def gainers(self):
        return sum(1 for r in self.rows if r.difference < 0)

    @property
    def losers(self):
        return sum(1 for r in self.rows if r.difference > 0)

    def groups(self):
        """The rows grouped by administration, in tree order."""
        out = {}
        for row in self.rows:
            out.setdefault(row.administration, Group(row.administration)).rows.append(row)
        return list(out.values())

    def sorted_rows(self, key, descending=False):
        return sorted(self.rows, key=lambda r: (getattr(r, key), r.path), reverse=descending)


def spread(total, weights):
    """Split `total` (whole öre) over `weights` in proportion, to the öre, largest remainder
    first (ties by position), so the parts add up to `total` exactly."""
    whole = sum(weights, ZERO)
    if not whole or not total:
        return [ZERO for _ in weights]
    cents = int((total / CENT).to_integral_value())
    exact = [Decimal(cents) * w / whole for w in weights]
    parts = [int(x.to_integral_value(rounding=ROUND_FLOOR)) for x in exact]
    left = cents - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return [Decimal(p) * CENT for p in parts]


def _administration_names(units):
    """{unit id: name of its administration}: the nearest unit of kind administration on its
    path, else the unit just below the top (or the top unit itself)."""
    by_id = {u["pk"]: u for u in units}
    names = {}
    for unit in units:
        chain = [int(p) for p in unit["path"].strip("/").split("/") if p]
        chosen = None
        for pk in chain:
            if pk in by_id and by_id[pk]["kind"] == UnitKind.ADMINISTRATION:
                chosen = by_id[pk]
        if chosen is None:
            pk = chain[1] if len(chain) > 1 else chain[0]
            chosen = by_id.get(pk, unit)
        names[unit["pk"]] = chosen["name"]
    return names


def simulate(organisation, year):
    """The simulation of `organisation`'s units for `year` (raises ValidationError when the
    year has no price list, like a run)."""
    amounts = engine.yearly_by_unit(organisation, year)
    units = list(
        OrgUnit.objects.filter(organisation=organisation).values(
            "pk", "name", "cost_centre", "depth", "path", "kind"
        )
    )
    administrations = _administration_names(units)
    rows = []
    for unit in units:  # tree order (by path)
        services, fee = amounts.get(unit["pk"], (ZERO, ZERO))
        if not services and not fee:
            continue
        rows.append(
            UnitRow(
                unit_id=unit["pk"],
                name=unit["name"],
                cost_centre=unit["cost_centre"],
                depth=unit["depth"],
                path=unit["path"],
                administration=administrations[unit["pk"]],
                fee=fee,
                services=services,
            )
        )
    fee_total = sum((r.fee for r in rows), ZERO)
    recovered = spread(fee_total, [r.services for r in rows])
    for row, extra in zip(rows, recovered, strict=True):
        row.scenario = row.services + extra
    return Simulation(organisation, year, rows)
