"""What the benchmark measures: one `Scenario` per page or API call, with its raw-SQL baseline.

A scenario names a URL (rendered through Django's test client, logged in as an IT
administrator) and the SQL that page needs written by hand: the rows it shows and the counts
it prints, nothing the framework adds around them (session, user, roles, filter-form choices).
The runner times both and reports page median / SQL median.

URLs and SQL may be callables taking `picks`: `picks(fn)` calls `fn()` once per run and
remembers the answer, so a detail page and its SQL target the same row. Callables run after
the database is ready, so they may use the ORM and `reverse()`.

Later modules add their scenarios by appending to `SCENARIOS`, e.g. in benchmarks/assets.py:

    from benchmarks.scenarios import SCENARIOS, Scenario
    SCENARIOS.append(Scenario("asset-list", "/assets/", ["SELECT COUNT(*) FROM …", "…"]))

and importing that module from `EXTRA_MODULES` below. SQL is plain SQL that runs on SQLite and
PostgreSQL alike, with `%s` placeholders (write `%%` for a literal percent sign when a query
has parameters).
"""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

PAGE_SIZE = 50  # the list pages' and the API's default page size

# (sql, params); a bare string is a query without parameters.
Query = tuple[str, Sequence[Any]]
SqlSpec = Sequence[str | Query] | Callable[["Picks"], Sequence[str | Query]]
UrlSpec = str | Callable[["Picks"], str]


class Picks:
    """Rows the scenarios target, looked up once per run: `picks(fn)` → fn(), memoised."""

    def __init__(self):
        self._memo = {}

    def __call__(self, fn):
        if fn not in self._memo:
            self._memo[fn] = fn()
        return self._memo[fn]


@dataclass(frozen=True)
class Scenario:
    name: str
    url: UrlSpec
    sql: SqlSpec
    description: str = ""
    # Extra request headers, e.g. {"Accept": "application/json"}.
    headers: Mapping[str, str] = field(default_factory=dict)

    def resolve(self, picks):
        """(url, [(sql, params), …]) for this run."""
        url = self.url(picks) if callable(self.url) else self.url
        queries = self.sql(picks) if callable(self.sql) else self.sql
        return url, [(q, ()) if isinstance(q, str) else (q[0], tuple(q[1])) for q in queries]


def _url(name, *args, query=""):
    from django.urls import reverse

    return reverse(name, args=args) + (f"?{query}" if query else "")


def _placeholders(values):
    return ", ".join(["%s"] * len(values))


# --- Targets of the detail pages and the deep list page -------------------------------------
def busiest_unit():
    """The unit with the most people placed directly in it (ties: lowest id)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from itportal.organisation.models import OrgUnit

    unit = OrgUnit.objects.annotate(n=Count("people")).order_by("-n", "pk").first()
    ancestors = [int(pk) for pk in unit.path.strip("/").split("/")[:-1] if pk]
    content_type = ContentType.objects.get_for_model(OrgUnit, for_concrete_model=False)
    return {"pk": unit.pk, "ancestors": ancestors, "content_type": content_type.pk}


def busiest_person():
    """A person with the most body memberships, then the most managed units (ties: lowest id)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from itportal.organisation.models import Person

    person = (
        Person.objects.annotate(
            m=Count("memberships", distinct=True), u=Count("managed_units", distinct=True)
        )
        .order_by("-m", "-u", "pk")
        .first()
    )
    content_type = ContentType.objects.get_for_model(Person, for_concrete_model=False)
    return {"pk": person.pk, "content_type": content_type.pk}


def last_person_page():
    from itportal.organisation.models import Person

    return max(1, math.ceil(Person.objects.count() / PAGE_SIZE))


# --- Hand-written SQL -----------------------------------------------------------------------
UNIT_COUNT = "SELECT COUNT(*) FROM organisation_orgunit"
PERSON_COUNT = "SELECT COUNT(*) FROM organisation_person"

UNIT_LIST_ROWS = """
SELECT u.id, u.name, u.kind, u.cost_centre, u.headcount,
       o.id, o.name, p.id, p.name, m.id, m.first_name, m.last_name
FROM organisation_orgunit u
JOIN organisation_organisation o ON o.id = u.organisation_id
LEFT JOIN organisation_orgunit p ON p.id = u.parent_id
LEFT JOIN organisation_person m ON m.id = u.manager_id
ORDER BY {order}
LIMIT 50 OFFSET 0
"""

TREE_ORGANISATIONS = "SELECT id, name, kind FROM organisation_organisation ORDER BY kind, name"
TREE_UNITS = """
SELECT u.id, u.name, u.kind, u.parent_id, u.organisation_id, u.headcount, u.path,
       m.first_name, m.last_name
FROM organisation_orgunit u
LEFT JOIN organisation_person m ON m.id = u.manager_id
ORDER BY u.path
"""

PERSON_LIST_ROWS = """
SELECT p.id, p.first_name, p.last_name, p.email, p.title, u.id, u.name
FROM organisation_person p
JOIN organisation_orgunit u ON u.id = p.unit_id
ORDER BY p.last_name, p.first_name, p.id
LIMIT 50 OFFSET %s
"""

HISTORY = """
SELECT c.id, c.time, c.actor, c.action, c.before, c.after, a.username
FROM core_objectchange c
LEFT JOIN auth_user a ON a.id = c.user_id
WHERE c.content_type_id = %s AND c.object_id = %s
ORDER BY c.time DESC, c.id DESC
LIMIT 50
"""

UNIT_DETAIL = """
SELECT u.id, u.name, u.kind, u.cost_centre, u.headcount, u.active, u.path, u.organisation_id,
       o.name, p.id, p.name, m.id, m.first_name, m.last_name
FROM organisation_orgunit u
JOIN organisation_organisation o ON o.id = u.organisation_id
LEFT JOIN organisation_orgunit p ON p.id = u.parent_id
LEFT JOIN organisation_person m ON m.id = u.manager_id
WHERE u.id = %s
"""
UNIT_CHILDREN = "SELECT id, name, kind FROM organisation_orgunit WHERE parent_id = %s ORDER BY name"
UNIT_PEOPLE = """
SELECT id, first_name, last_name, title FROM organisation_person
WHERE unit_id = %s ORDER BY last_name, first_name LIMIT 100
"""
UNIT_PEOPLE_COUNT = "SELECT COUNT(*) FROM organisation_person WHERE unit_id = %s"

PERSON_DETAIL = """
SELECT p.id, p.first_name, p.last_name, p.email, p.phone, p.title, p.active,
       u.id, u.name, o.id, o.name, a.username
FROM organisation_person p
JOIN organisation_orgunit u ON u.id = p.unit_id
JOIN organisation_organisation o ON o.id = u.organisation_id
LEFT JOIN auth_user a ON a.id = p.user_id
WHERE p.id = %s
"""
PERSON_MEMBERSHIPS = """
SELECT bm.id, bm.role, bm.start, bm."end", b.id, b.name
FROM organisation_bodymembership bm
JOIN organisation_body b ON b.id = bm.body_id
WHERE bm.person_id = %s
ORDER BY b.name, bm.role
"""
PERSON_MANAGED_UNITS = (
    "SELECT id, name FROM organisation_orgunit WHERE manager_id = %s ORDER BY path"
)

API_UNITS = """
SELECT id, created, updated, version, organisation_id, parent_id, name, kind, cost_centre,
       headcount, manager_id, active, path, depth
FROM organisation_orgunit
ORDER BY path, id
LIMIT 50
"""
API_PEOPLE = """
SELECT id, created, updated, version, first_name, last_name, email, phone, title, unit_id,
       active, user_id
FROM organisation_person
ORDER BY last_name, first_name, id
LIMIT 50
"""


def _unit_detail_sql(picks):
    unit = picks(busiest_unit)
    ancestors = unit["ancestors"] or [0]
    return [
        (UNIT_DETAIL, [unit["pk"]]),
        (
            "SELECT id, name FROM organisation_orgunit "
            f"WHERE id IN ({_placeholders(ancestors)}) ORDER BY depth",
            ancestors,
        ),
        (UNIT_CHILDREN, [unit["pk"]]),
        (UNIT_PEOPLE, [unit["pk"]]),
        (UNIT_PEOPLE_COUNT, [unit["pk"]]),
        (HISTORY, [unit["content_type"], str(unit["pk"])]),
    ]


def _person_detail_sql(picks):
    person = picks(busiest_person)
    return [
        (PERSON_DETAIL, [person["pk"]]),
        (PERSON_MEMBERSHIPS, [person["pk"]]),
        (PERSON_MANAGED_UNITS, [person["pk"]]),
        (HISTORY, [person["content_type"], str(person["pk"])]),
    ]


SCENARIOS: list[Scenario] = [
    Scenario(
        "org-unit-list",
        lambda picks: _url("organisation:orgunit_list"),
        [UNIT_COUNT, UNIT_LIST_ROWS.format(order="u.path")],
        "Unit list, first page (50 rows, tree order) with organisation, parent and manager.",
    ),
    Scenario(
        "org-unit-list-by-manager",
        lambda picks: _url("organisation:orgunit_list", query="sort=manager"),
        [UNIT_COUNT, UNIT_LIST_ROWS.format(order="m.last_name, m.first_name")],
        "Unit list sorted by the manager's name (ORDER BY a joined table).",
    ),
    Scenario(
        "org-tree",
        lambda picks: _url("organisation:tree"),
        [TREE_ORGANISATIONS, TREE_UNITS, PERSON_COUNT],
        "The whole group: every organisation and its full unit tree with managers.",
    ),
    Scenario(
        "person-list",
        lambda picks: _url("organisation:person_list"),
        [PERSON_COUNT, (PERSON_LIST_ROWS, [0])],
        "Person list, first page (50 rows by name) with each person's unit.",
    ),
    Scenario(
        "person-list-last-page",
        lambda picks: _url("organisation:person_list", query=f"page={picks(last_person_page)}"),
        lambda picks: [
            PERSON_COUNT,
            (PERSON_LIST_ROWS, [(picks(last_person_page) - 1) * PAGE_SIZE]),
        ],
        "Person list, last page: the deepest OFFSET.",
    ),
    Scenario(
        "org-unit-detail",
        lambda picks: _url("organisation:orgunit_detail", picks(busiest_unit)["pk"]),
        _unit_detail_sql,
        "The unit with the most people: fields, ancestors, children, 100 people, history.",
    ),
    Scenario(
        "person-detail",
        lambda picks: _url("organisation:person_detail", picks(busiest_person)["pk"]),
        _person_detail_sql,
        "The person with the most memberships: fields, memberships, managed units, history.",
    ),
    Scenario(
        "api-units",
        "/api/units/",
        [UNIT_COUNT, API_UNITS],
        "GET /api/units/ as JSON: count and the first 50 units.",
        headers={"Accept": "application/json"},
    ),
    Scenario(
        "api-people",
        "/api/people/",
        [PERSON_COUNT, API_PEOPLE],
        "GET /api/people/ as JSON: count and the first 50 people.",
        headers={"Accept": "application/json"},
    ),
]

# Modules that append their own scenarios to SCENARIOS when imported (e.g. "benchmarks.assets").
EXTRA_MODULES: list[str] = []


def all_scenarios():
    """SCENARIOS after importing every module in EXTRA_MODULES."""
    for module in EXTRA_MODULES:
        import_module(module)
    return list(SCENARIOS)
