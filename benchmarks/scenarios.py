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
    # A callable giving why the scenario cannot run on this database ("" when it can), called
    # after the database is ready; the runner then reports it as skipped instead of measuring.
    skip_if: Callable[[], str] | None = None
    # Work to time instead of a page: `action(picks)` gives a callable the runner calls (and
    # times) in place of the GET; `url` is then only a label. E.g. a chargeback run.
    action: Callable[["Picks"], Callable[[], Any]] | None = None
    # Called once after the warm-up with `picks`: checks that the page or action and the SQL
    # agree (raises when they do not) and returns a one-line summary for the report.
    verify: Callable[["Picks"], str] | None = None
    # At most this many timed runs (an action that takes tens of seconds); None: the runner's.
    repeat: int | None = None

    def skip_reason(self):
        return self.skip_if() if self.skip_if is not None else ""

    def resolve(self, picks):
        """(url, [(sql, params), …]) for this run."""
        url = self.url(picks) if callable(self.url) else self.url
        queries = self.sql(picks) if callable(self.sql) else self.sql
        return url, [(q, ()) if isinstance(q, str) else (q[0], tuple(q[1])) for q in queries]


def _url(name, *args, query=""):
    from django.urls import reverse

    return reverse(name, args=args) + (f"?{query}" if query else "")


def _parameter_marks(values):
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
            f"WHERE id IN ({_parameter_marks(ancestors)}) ORDER BY depth",
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


# --- The system register (issue 3) ----------------------------------------------------------
# Measured on the demo's register (registry/demo.py); skipped, with the reason, on a database
# without systems (e.g. the runner's own test) or while a page's URL name does not resolve.


def _registry_needs(url_name):
    def reason():
        from django.urls import NoReverseMatch, reverse

        from itportal.registry.models import System

        try:
            reverse(url_name, args=[1] if url_name in _REGISTRY_DETAIL_URLS else [])
        except NoReverseMatch:
            return f"URL name {url_name} does not resolve (page not installed yet)"
        if not System.objects.exists():
            return "the database holds no systems (no registry demo data)"
        return ""

    return reason


_REGISTRY_DETAIL_URLS = ("registry:system_detail", "registry:impact")


def _today():
    from django.utils import timezone

    return timezone.localdate().isoformat()


def most_connected_system():
    """The system with the most integrations, in and out (ties: lowest id)."""
    from collections import Counter

    from django.contrib.contenttypes.models import ContentType

    from itportal.registry.models import Integration, System

    degree = Counter()
    for source, target in Integration.objects.order_by().values_list("source_id", "target_id"):
        degree[source] += 1
        degree[target] += 1
    pk = min(degree, key=lambda k: (-degree[k], k))
    system = System.objects.select_related("owning_unit").get(pk=pk)
    ancestors = [int(p) for p in system.owning_unit.path.strip("/").split("/") if p]
    content_type = ContentType.objects.get_for_model(System, for_concrete_model=False)
    return {"pk": pk, "ancestors": ancestors, "content_type": content_type.pk}


SYSTEM_LIST_COUNT = "SELECT COUNT(*) FROM registry_system WHERE lifecycle = 'operation'"
SYSTEM_LIST_ROWS = """
SELECT s.id, s.name, s.lifecycle, s.scope, s.operating_form, s.product, s.hosting_country,
       s.self_developed, s.last_reviewed, s.cost_licence, s.cost_operation, s.cost_support,
       u.id, u.name, v.id, v.name
FROM registry_system s
JOIN organisation_orgunit u ON u.id = s.owning_unit_id
LEFT JOIN organisation_vendor v ON v.id = s.vendor_id
WHERE s.lifecycle = 'operation'
ORDER BY s.name
LIMIT 50
"""

SYSTEM_DETAIL = """
SELECT s.*, u.name, u.path, v.name, b.name
FROM registry_system s
JOIN organisation_orgunit u ON u.id = s.owning_unit_id
LEFT JOIN organisation_vendor v ON v.id = s.vendor_id
LEFT JOIN organisation_body b ON b.id = s.product_board_id
WHERE s.id = %s
"""
SYSTEM_ROLES = """
SELECT r.id, r.start, r."end", rt.code, rt.name, p.id, p.first_name, p.last_name, p.active,
       c.id, c.name, c.email, cv.name, a.id, a.first_name, a.last_name
FROM registry_systemrole r
JOIN registry_roletype rt ON rt.id = r.role_type_id
LEFT JOIN organisation_person p ON p.id = r.person_id
LEFT JOIN organisation_vendorcontact c ON c.id = r.vendor_contact_id
LEFT JOIN organisation_vendor cv ON cv.id = c.vendor_id
LEFT JOIN organisation_person a ON a.id = r.appointed_by_id
WHERE r.system_id = %s
ORDER BY rt.sort_order, r.start
"""
SYSTEM_USAGES = """
SELECT su.id, su.users, u.id, u.name, u.path
FROM registry_systemusage su
JOIN organisation_orgunit u ON u.id = su.unit_id
WHERE su.system_id = %s
ORDER BY u.name
"""
SYSTEM_LINKS = (
    "SELECT id, title, url, is_document FROM registry_systemlink WHERE system_id = %s "
    "ORDER BY title"
)
SYSTEM_INFORMATION = """
SELECT ia.id, ia.name, ia.confidentiality, ia.integrity, ia.availability, ia.traceability,
       ia.personal_data, ia.sensitive_categories, ia.processing_record, ia.retention,
       ia.classified_on, b.id, b.name, p.id, p.first_name, p.last_name
FROM registry_informationasset ia
LEFT JOIN organisation_orgunit b ON b.id = ia.controller_board_id
LEFT JOIN organisation_person p ON p.id = ia.classified_by_id
WHERE ia.system_id = %s
ORDER BY ia.name
"""
SYSTEM_INTEGRATIONS = """
SELECT i.id, i.information, i.technology, i.frequency, i.status, s.id, s.name, t.id, t.name
FROM registry_integration i
JOIN registry_system s ON s.id = i.source_id
JOIN registry_system t ON t.id = i.target_id
WHERE i.source_id = %s OR i.target_id = %s
ORDER BY s.name, t.name
"""
SYSTEM_CONTRACTS = """
SELECT c.id, c.number, c.title, c.start, c."end", c.notice_months, c.annual_value, v.id, v.name
FROM registry_contract c
JOIN registry_contract_systems cs ON cs.contract_id = c.id
JOIN organisation_vendor v ON v.id = c.vendor_id
WHERE cs.system_id = %s
ORDER BY c."end", c.number
"""
SYSTEM_LICENCES = """
SELECT id, product, metric, entitlements, annual_cost, group_wide, valid_until
FROM registry_licence WHERE system_id = %s ORDER BY product
"""
SYSTEM_CAPABILITIES = """
SELECT c.id, c.name FROM registry_capability c
JOIN registry_system_capabilities sc ON sc.capability_id = c.id
WHERE sc.system_id = %s ORDER BY c.name
"""
SYSTEM_TAGS = """
SELECT t.id, t.name FROM registry_tag t
JOIN registry_system_tags st ON st.tag_id = t.id
WHERE st.system_id = %s ORDER BY t.name
"""
# The findings need, beyond the rows above, the managers of the units above the owning unit.
UNIT_MANAGERS = """
SELECT u.id, u.path, u.manager_id, m.active
FROM organisation_orgunit u
LEFT JOIN organisation_person m ON m.id = u.manager_id
WHERE u.id IN ({ids})
"""

# Impact analysis: every system downstream along active integrations (a recursive query;
# UNION drops repeats, so cycles end), the integrations among them, the units using them and the
# holders of their active roles.
REACH = """
WITH RECURSIVE reach(id) AS (
    SELECT id FROM registry_system WHERE id = %s
    UNION
    SELECT i.target_id FROM registry_integration i JOIN reach r ON i.source_id = r.id
    WHERE i.status = 'active'
)
"""
IMPACT_SYSTEMS = (
    REACH + "SELECT s.id, s.name, s.lifecycle FROM registry_system s JOIN reach ON reach.id = s.id"
)
# The reached set is closed under the active integrations leaving it, so those are exactly the
# integrations among the reached systems.
IMPACT_EDGES = (
    REACH
    + """
SELECT i.id, i.source_id, i.target_id, i.technology, i.information
FROM registry_integration i
JOIN reach r ON r.id = i.source_id
WHERE i.status = 'active'
"""
)
IMPACT_UNITS = (
    REACH
    + """
SELECT su.system_id, su.users, u.id, u.name, u.path, u.headcount
FROM registry_systemusage su
JOIN organisation_orgunit u ON u.id = su.unit_id
WHERE su.system_id IN (SELECT id FROM reach)
"""
)
IMPACT_ROLES = (
    REACH
    + """
SELECT r.system_id, rt.name, p.id, p.first_name, p.last_name, p.email, c.id, c.name, c.email
FROM registry_systemrole r
JOIN registry_roletype rt ON rt.id = r.role_type_id
LEFT JOIN organisation_person p ON p.id = r.person_id
LEFT JOIN organisation_vendorcontact c ON c.id = r.vendor_contact_id
WHERE r.system_id IN (SELECT id FROM reach)
  AND (r.start IS NULL OR r.start <= %s) AND (r."end" IS NULL OR r."end" >= %s)
"""
)

# The compliance page: what the eight rules read for the whole register, and the trend.
COMPLIANCE_SYSTEMS = """
SELECT s.id, s.name, s.lifecycle, s.in_operation_since, s.planned_retirement, s.retired_on,
       s.operating_form, s.hosting_country, s.owning_unit_id, s.last_reviewed, u.path
FROM registry_system s
JOIN organisation_orgunit u ON u.id = s.owning_unit_id
ORDER BY s.name
"""
COMPLIANCE_UNITS = """
SELECT u.id, u.name, u.path, u.depth, u.manager_id, m.active
FROM organisation_orgunit u
LEFT JOIN organisation_person m ON m.id = u.manager_id
"""
COMPLIANCE_ACTIVE_ROLES = """
SELECT r.system_id, rt.code, r.person_id, p.active
FROM registry_systemrole r
JOIN registry_roletype rt ON rt.id = r.role_type_id
LEFT JOIN organisation_person p ON p.id = r.person_id
WHERE (r.start IS NULL OR r.start <= %s) AND (r."end" IS NULL OR r."end" >= %s)
"""
COMPLIANCE_LEAVERS = """
SELECT r.system_id, p.first_name, p.last_name, rt.name
FROM registry_systemrole r
JOIN organisation_person p ON p.id = r.person_id
JOIN registry_roletype rt ON rt.id = r.role_type_id
JOIN registry_system s ON s.id = r.system_id
WHERE NOT p.active AND (r."end" IS NULL OR r."end" >= %s) AND s.lifecycle <> 'retired'
"""
COMPLIANCE_PERSONAL_DATA = """
SELECT ia.system_id, ia.name, ia.controller_board_id, ia.processing_record
FROM registry_informationasset ia
JOIN registry_system s ON s.id = ia.system_id
WHERE ia.personal_data AND (ia.controller_board_id IS NULL OR ia.processing_record = '')
  AND s.lifecycle <> 'retired'
"""
COMPLIANCE_RETIRED_INTEGRATIONS = """
SELECT i.source_id, i.target_id
FROM registry_integration i
WHERE i.status <> 'retired'
  AND (i.source_id IN (SELECT id FROM registry_system WHERE lifecycle = 'retired')
       OR i.target_id IN (SELECT id FROM registry_system WHERE lifecycle = 'retired'))
"""
COMPLIANCE_RETIRED_ROLES = """
SELECT r.system_id FROM registry_systemrole r
JOIN registry_system s ON s.id = r.system_id
WHERE s.lifecycle = 'retired' AND (r."end" IS NULL OR r."end" > %s)
"""
COMPLIANCE_RETIRED_LICENCES = """
SELECT l.system_id FROM registry_licence l
JOIN registry_system s ON s.id = l.system_id
WHERE s.lifecycle = 'retired' AND (l.valid_until IS NULL OR l.valid_until >= %s)
"""
COMPLIANCE_TREND = """
SELECT date, rule, count FROM registry_compliancesnapshot
WHERE administration_id IS NULL AND date >= (
    SELECT MIN(d) FROM (
        SELECT DISTINCT date AS d FROM registry_compliancesnapshot
        WHERE administration_id IS NULL ORDER BY d DESC LIMIT 90
    ) recent
)
ORDER BY date
"""

# The ArchiMate export: the whole register in six reads.
ARCHIMATE_SYSTEMS = """
SELECT s.id, s.name, s.description, s.owning_unit_id, v.name, s.aliases, s.purpose,
       s.vendor_id, s.product, s.product_version, s.lifecycle, s.in_operation_since,
       s.planned_retirement, s.retired_on, s.scope, s.scope_reason, s.technical_platform,
       s.operating_form, s.hosting_country, s.hosting_region, s.self_developed, s.cost_licence,
       s.cost_operation, s.cost_support, s.last_reviewed
FROM registry_system s
LEFT JOIN organisation_vendor v ON v.id = s.vendor_id
ORDER BY s.id
"""
ARCHIMATE_CAPABILITIES = (
    "SELECT id, name, description, parent_id FROM registry_capability ORDER BY id"
)
ARCHIMATE_REALIZATIONS = (
    "SELECT system_id, capability_id FROM registry_system_capabilities "
    "ORDER BY system_id, capability_id"
)
ARCHIMATE_USAGES = "SELECT id, system_id, unit_id, users FROM registry_systemusage ORDER BY id"
ARCHIMATE_FLOWS = """
SELECT id, source_id, target_id, information, description, technology, frequency, status
FROM registry_integration ORDER BY id
"""
ARCHIMATE_UNITS = """
SELECT u.id, u.name, u.cost_centre, o.name
FROM organisation_orgunit u
JOIN organisation_organisation o ON o.id = u.organisation_id
WHERE u.id IN (
    SELECT owning_unit_id FROM registry_system UNION SELECT unit_id FROM registry_systemusage
)
ORDER BY u.id
"""


def _system_detail_sql(picks):
    system = picks(most_connected_system)
    pk = system["pk"]
    return [
        (SYSTEM_DETAIL, [pk]),
        (SYSTEM_ROLES, [pk]),
        (SYSTEM_USAGES, [pk]),
        (SYSTEM_LINKS, [pk]),
        (SYSTEM_INFORMATION, [pk]),
        (SYSTEM_INTEGRATIONS, [pk, pk]),
        (SYSTEM_CONTRACTS, [pk]),
        (SYSTEM_LICENCES, [pk]),
        (SYSTEM_CAPABILITIES, [pk]),
        (SYSTEM_TAGS, [pk]),
        (UNIT_MANAGERS.format(ids=_parameter_marks(system["ancestors"])), system["ancestors"]),
        (HISTORY, [system["content_type"], str(pk)]),
    ]


def _impact_sql(picks):
    pk, today = picks(most_connected_system)["pk"], _today()
    return [
        (IMPACT_SYSTEMS, [pk]),
        (IMPACT_EDGES, [pk]),
        (IMPACT_UNITS, [pk]),
        (IMPACT_ROLES, [pk, today, today]),
    ]


def _compliance_sql(picks):
    today = _today()
    return [
        COMPLIANCE_SYSTEMS,
        COMPLIANCE_UNITS,
        (COMPLIANCE_ACTIVE_ROLES, [today, today]),
        (COMPLIANCE_LEAVERS, [today]),
        COMPLIANCE_PERSONAL_DATA,
        COMPLIANCE_RETIRED_INTEGRATIONS,
        (COMPLIANCE_RETIRED_ROLES, [today]),
        (COMPLIANCE_RETIRED_LICENCES, [today]),
        COMPLIANCE_TREND,
    ]


REGISTRY_SCENARIOS: list[Scenario] = [
    Scenario(
        "registry-system-list",
        lambda picks: _url("registry:system_list", query="lifecycle=operation"),
        [SYSTEM_LIST_COUNT, SYSTEM_LIST_ROWS],
        "System list filtered on the operation phase, first page (50 rows by name) with owning "
        "unit and vendor.",
        skip_if=_registry_needs("registry:system_list"),
    ),
    Scenario(
        "registry-system-detail",
        lambda picks: _url("registry:system_detail", picks(most_connected_system)["pk"]),
        _system_detail_sql,
        "The most-connected system: fields, roles, usages, links, information, integrations, "
        "contracts, licences, capabilities, tags, findings, history.",
        skip_if=_registry_needs("registry:system_detail"),
    ),
    Scenario(
        "registry-impact",
        lambda picks: _url("registry:impact", picks(most_connected_system)["pk"]),
        _impact_sql,
        "Impact analysis of the most-connected system: every system downstream, the "
        "integrations among them, the units using them and their role holders.",
        skip_if=_registry_needs("registry:impact"),
    ),
    Scenario(
        "registry-compliance",
        lambda picks: _url("registry:compliance"),
        _compliance_sql,
        "Compliance page for the whole group: the eight rules over the register and the trend.",
        skip_if=_registry_needs("registry:compliance"),
    ),
    Scenario(
        "registry-archimate-export",
        lambda picks: _url("registry:archimate_export"),
        [
            ARCHIMATE_SYSTEMS,
            ARCHIMATE_CAPABILITIES,
            ARCHIMATE_REALIZATIONS,
            ARCHIMATE_USAGES,
            ARCHIMATE_FLOWS,
            ARCHIMATE_UNITS,
        ],
        "ArchiMate exchange file of the whole register (systems, capabilities, units, "
        "realisations, serving and flow relationships).",
        skip_if=_registry_needs("registry:archimate_export"),
    ),
]

# Modules that append their own scenarios to SCENARIOS when imported (e.g. "benchmarks.assets").
EXTRA_MODULES: list[str] = []
# Rows the report header counts beyond the runner's ROW_COUNTS, appended by scenario modules
# ((label, "app_label.ModelName")); here rather than in benchmarks.run, which runs as __main__.
EXTRA_ROW_COUNTS: list[tuple[str, str]] = []


def all_scenarios():
    """SCENARIOS after importing every module in EXTRA_MODULES, then the register's, the
    chargeback's (benchmarks/chargeback.py) and the service desk's (benchmarks/servicedesk.py)."""
    from benchmarks.chargeback import CHARGEBACK_SCENARIOS
    from benchmarks.servicedesk import SERVICEDESK_SCENARIOS

    for module in EXTRA_MODULES:
        import_module(module)
    return [*SCENARIOS, *REGISTRY_SCENARIOS, *CHARGEBACK_SCENARIOS, *SERVICEDESK_SCENARIOS]
