"""Invoice groups: who receives the invoice basis of a chargeback line.

For a company (Organisation.kind == company) the company itself. Otherwise the nearest unit of
kind `administration` at or above the line's unit, else the top unit of its tree. Computed from
the materialised paths ("/1/5/9/") of the organisation's units, read in one query.
"""

from dataclasses import dataclass

from itportal.organisation.choices import OrganisationKind, UnitKind
from itportal.organisation.models import OrgUnit


@dataclass(frozen=True)
class Unit:
    pk: int
    name: str
    cost_centre: str
    kind: str
    path: str


@dataclass(frozen=True)
class Group:
    """The receiver of an invoice basis: a company or an administration (or top unit)."""

    key: str
    name: str
    cost_centre: str
    is_company: bool


def path_ids(path):
    return [int(part) for part in path.strip("/").split("/") if part]


class InvoiceGroups:
    """The organisation's units and the invoice group of each, from one query."""

    def __init__(self, organisation):
        self.organisation = organisation
        self.is_company = organisation.kind == OrganisationKind.COMPANY
        self.units = {
            row["pk"]: Unit(**row)
            for row in OrgUnit.objects.filter(organisation=organisation).values(
                "pk", "name", "cost_centre", "kind", "path"
            )
        }
        self._groups = {}

    def unit(self, unit_id):
        return self.units.get(unit_id)

    def group_of(self, unit_id):
        if unit_id not in self._groups:
            self._groups[unit_id] = self._compute(unit_id)
        return self._groups[unit_id]

    def _compute(self, unit_id):
        if self.is_company:
            org = self.organisation
            return Group(key=f"org-{org.pk}", name=org.name, cost_centre="", is_company=True)
        unit = self.units.get(unit_id)
        if unit is None:  # a unit moved to another organisation after the run
            return Group(
                key=f"unit-{unit_id}", name=f"#{unit_id}", cost_centre="", is_company=False
            )
        ids = path_ids(unit.path) or [unit.pk]
        chosen = None
        for pk in reversed(ids):
            ancestor = self.units.get(pk)
            if ancestor is not None and ancestor.kind == UnitKind.ADMINISTRATION:
                chosen = ancestor
                break
        if chosen is None:
            chosen = self.units.get(ids[0], unit)
        return Group(
            key=f"unit-{chosen.pk}",
            name=chosen.name,
            cost_centre=chosen.cost_centre,
            is_company=False,
        )


class StoredGroups:
    """The units' names and invoice groups as stored on a run's lines when it was computed, so
    that a closed run's pages and files stay as they were after a reorganisation. Rows are
    lines or dicts with unit_id, cost_centre, unit_name and the group_* values."""

    def __init__(self, rows):
        self.units, self._groups = {}, {}
        for row in rows:
            get = row.get if isinstance(row, dict) else row.__getattribute__
            unit_id = get("unit_id")
            if unit_id in self.units:
                continue
            self.units[unit_id] = Unit(
                pk=unit_id, name=get("unit_name"), cost_centre=get("cost_centre"), kind="", path=""
            )
            self._groups[unit_id] = Group(
                key=get("group_key"),
                name=get("group_name"),
                cost_centre=get("group_cost_centre"),
                is_company=get("group_is_company"),
            )

    def unit(self, unit_id):
        return self.units.get(unit_id)

    def group_of(self, unit_id):
        return self._groups[unit_id]


def invoice_group(organisation, unit_id):
    """The invoice group of one unit (convenience; use InvoiceGroups for many)."""
    return InvoiceGroups(organisation).group_of(unit_id)


def grouped(groups, rows, unit_id=lambda row: row.unit_id):
    """[(group, [rows])] in order of the group's name, rows in their given order."""
    out = {}
    for row in rows:
        group = groups.group_of(unit_id(row))
        out.setdefault(group, []).append(row)
    return sorted(out.items(), key=lambda item: (item[0].name.casefold(), item[0].key))
