"""Impact analysis on the integration graph: what depends on a system, who is affected.

Direction. An `Integration` is a flow of information from `source` to `target`. The target
consumes the source's data, so the *target depends on the source*. When system X fails or
changes, the systems hit are those reachable **downstream** from X along the flows:
X → B → C … ("dependents"). Optionally the analysis also walks **upstream** (against the flows)
to show what X itself depends on; upstream systems are context, not affected.

Only *active* integrations carry the impact: planned flows do not exist yet and retired ones no
longer do (`IMPACT_STATUSES`).

The walk is a breadth-first search with a visited set, so cycles (A → B → C → A) end, and each
system gets its shortest distance in hops from X and `via`: the system it was first reached from
on a shortest path (the breadth-first tree; neighbours are visited in id order, so the tree is
deterministic). The analysed system itself has distance 0 and is never its own dependent, even
when a cycle leads back to it.

Affected are X and its dependents. For them the analysis gives the org units that use them
(`SystemUsage`) with user counts, and the holders of their active roles (`SystemRole`). People
in the using units are given as counts per unit, never as a list of thousands of names.

Queries: one for the whole graph (adjacency lists from `values_list`), one for the names of the
systems reached, one for the usages with their units and one for the roles with their holders —
four in all, whatever the size of the graph.
"""

from collections import deque
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

from django.db.models import CharField, ExpressionWrapper, F, Q
from django.utils import timezone

from itportal.registry.choices import IntegrationStatus
from itportal.registry.models import Integration, System, SystemRole, SystemUsage

IMPACT_STATUSES = (IntegrationStatus.ACTIVE,)

# Above this many ids an `IN (…)` list costs more than reading every row and filtering here.
_IN_LIMIT = 400


# An edge is the plain row tuple (id, source id, target id, technology, information): 10,000
# of them are read per analysis, and a named tuple per row would cost more than the walk.
EDGE_FIELDS = ("id", "source_id", "target_id", "technology", "information")
ID, SOURCE, TARGET, TECHNOLOGY, INFORMATION = range(len(EDGE_FIELDS))


@dataclass
class Graph:
    """The integration graph as adjacency lists, each sorted by system id and without repeats."""

    downstream: dict = field(default_factory=dict)  # source id → [target ids]
    upstream: dict = field(default_factory=dict)  # target id → [source ids]
    edges_from: dict = field(default_factory=dict)  # source id → [edge], by target then id


def load_graph(statuses=IMPACT_STATUSES):
    """The graph of the integrations in `statuses`, in one query."""
    rows = (
        Integration.objects.filter(status__in=list(statuses))
        .order_by()  # the default ordering would join the systems' names; sorted below
        .values_list(*EDGE_FIELDS)
    )
    edges_from = {}
    for edge in rows:
        bucket = edges_from.get(edge[SOURCE])
        if bucket is None:
            edges_from[edge[SOURCE]] = [edge]
        else:
            bucket.append(edge)
    downstream, upstream = {}, {}
    for source, edges in edges_from.items():
        edges.sort(key=_by_target)
        targets = {edge[TARGET] for edge in edges}
        downstream[source] = sorted(targets)
        for target in targets:
            sources = upstream.get(target)
            if sources is None:
                upstream[target] = [source]
            else:
                sources.append(source)
    for sources in upstream.values():
        sources.sort()
    return Graph(downstream=downstream, upstream=upstream, edges_from=edges_from)


_by_target = itemgetter(TARGET, ID)


def walk(adjacency, start):
    """Breadth-first from `start`: {system id: (distance, via)} for every system reached.

    `start` itself is left out, also when a cycle leads back to it.
    """
    reached = {start: (0, None)}
    queue = deque((start,))
    while queue:
        node = queue.popleft()
        distance = reached[node][0] + 1
        for neighbour in adjacency.get(node, ()):
            if neighbour not in reached:
                reached[neighbour] = (distance, node)
                queue.append(neighbour)
    del reached[start]
    return reached


def dependents(system_id, graph=None):
    """Every system that depends on `system_id`, directly or transitively: {id: distance}.

    Follows active integrations downstream (source → target); `system_id` itself is not
    included. Loads the graph (one query) unless one is given.
    """
    graph = load_graph() if graph is None else graph
    return {pk: distance for pk, (distance, _via) in walk(graph.downstream, system_id).items()}


def dependencies(system_id, graph=None):
    """Every system that `system_id` depends on (upstream, against the flows): {id: distance}."""
    graph = load_graph() if graph is None else graph
    return {pk: distance for pk, (distance, _via) in walk(graph.upstream, system_id).items()}


class Node(NamedTuple):
    id: int
    name: str
    lifecycle: str
    distance: int  # hops from the analysed system (0 for itself)
    via: int | None  # the system it was reached from on a shortest path
    upstream: bool = False  # True: the analysed system depends on it (not affected)


@dataclass
class UnitImpact:
    id: int
    name: str
    path: str
    headcount: int
    users: int  # users in the unit of the affected system it uses most (at least this many)
    systems: list = field(default_factory=list)  # ids of the affected systems it uses


@dataclass
class RoleHolder:
    kind: str  # "person" or "vendor_contact"
    id: int
    name: str
    email: str
    active: bool = True  # False: a person who has left (a governance finding)
    roles: list = field(default_factory=list)  # [(system id, role name)]


@dataclass
class Impact:
    root: Node
    systems: list  # the dependents, by distance then name
    upstream: list  # what the root depends on (empty unless asked for)
    edges: list  # [edge tuple] between the nodes shown (root, systems, upstream)
    units: list  # [UnitImpact], most users first
    people: list  # [RoleHolder], by name

    @property
    def nodes(self):
        return [*self.upstream, self.root, *self.systems]

    @property
    def users(self):
        """Users in the units affected (a unit counted once, with its largest usage)."""
        return sum(unit.users for unit in self.units)

    @property
    def max_distance(self):
        return max((node.distance for node in self.systems), default=0)

    def by_id(self):
        return {node.id: node for node in self.nodes}


def impact(system_id, *, upstream=False, graph=None, on=None, who=True):
    """The impact of system `system_id` failing or changing (see the module docstring).

    Four queries (graph, names, usages, roles), one less when `graph` is given; `who=False`
    leaves out the units and people (two queries less), e.g. for the picture alone.
    """
    graph = load_graph() if graph is None else graph
    down = walk(graph.downstream, system_id)
    up = {}
    if upstream:
        up = {k: v for k, v in walk(graph.upstream, system_id).items() if k not in down}
    shown = {system_id, *down, *up}
    names = system_names(shown)
    if system_id not in names:
        raise System.DoesNotExist(f"No system with id {system_id}.")

    unknown = ("?", "")
    root = Node(system_id, *names[system_id], 0, None)
    systems = [Node(pk, *names.get(pk, unknown), d, via) for pk, (d, via) in down.items()]
    systems.sort(key=_by_distance_and_name)
    above = [Node(pk, *names.get(pk, unknown), d, via, True) for pk, (d, via) in up.items()]
    above.sort(key=_by_distance_and_name)
    edges = [
        edge
        for source in sorted(shown)
        for edge in graph.edges_from.get(source, ())
        if edge[TARGET] in shown
    ]  # by source, target, id (see load_graph)
    affected = {system_id, *down}
    return Impact(
        root=root,
        systems=systems,
        upstream=above,
        edges=edges,
        units=units_using(affected) if who else [],
        people=people_to_inform(affected, on or timezone.localdate()) if who else [],
    )


_by_distance_and_name = itemgetter(Node._fields.index("distance"), Node._fields.index("name"))


def _in_filter(queryset, field_name, ids):
    """Rows of `queryset` whose `field_name` is in `ids`: `IN (…)` for few ids, else all."""
    if len(ids) <= _IN_LIMIT:
        return queryset.filter(**{f"{field_name}__in": sorted(ids)}), None
    return queryset, ids


def system_names(ids):
    rows, keep = _in_filter(System.objects.order_by(), "pk", ids)
    return {
        pk: (name, lifecycle)
        for pk, name, lifecycle in rows.values_list("pk", "name", "lifecycle")
        if keep is None or pk in keep
    }


def units_using(affected):
    rows, keep = _in_filter(SystemUsage.objects.order_by(), "system_id", affected)
    units = {}
    for system, unit, name, path, headcount, users in rows.values_list(
        "system_id", "unit_id", "unit__name", "unit__path", "unit__headcount", "users"
    ):
        if keep is not None and system not in keep:
            continue
        entry = units.get(unit)
        if entry is None:
            entry = units[unit] = UnitImpact(unit, name, path, headcount, users)
        elif users > entry.users:
            entry.users = users
        entry.systems.append(system)
    for entry in units.values():
        entry.systems.sort()
    return sorted(units.values(), key=lambda u: (-u.users, u.name, u.id))


def people_to_inform(affected, on):
    queryset = (
        SystemRole.objects.order_by()
        .filter(Q(start__isnull=True) | Q(start__lte=on))
        .filter(Q(end__isnull=True) | Q(end__gte=on))
    )
    rows, keep = _in_filter(queryset, "system_id", affected)
    people, contacts = {}, {}
    for (
        system,
        role,
        person,
        first,
        last,
        email,
        active,
        contact,
        contact_name,
        contact_email,
        vendor,
    ) in rows.values_list(
        "system_id",
        "role_type__name",
        "person_id",
        "person__first_name",
        "person__last_name",
        "person__email",
        # "person__active" raw: a boolean (or integer) field would add a converter that runs on
        # every row; 0/1 (SQLite) or False/True (PostgreSQL) serve as well.
        ExpressionWrapper(F("person__active"), output_field=CharField()),
        "vendor_contact_id",
        "vendor_contact__name",
        "vendor_contact__email",
        "vendor_contact__vendor__name",
    ):
        if keep is not None and system not in keep:
            continue
        if person is not None:
            holder = people.get(person)
            if holder is None:
                name = f"{first} {last}"
                holder = people[person] = RoleHolder("person", person, name, email, bool(active))
        else:
            holder = contacts.get(contact)
            if holder is None:
                name = f"{contact_name} ({vendor})"
                holder = contacts[contact] = RoleHolder(
                    "vendor_contact", contact, name, contact_email
                )
        holder.roles.append((system, role))
    holders = [*people.values(), *contacts.values()]
    for holder in holders:
        holder.roles.sort()
    holders.sort(key=lambda h: (h.name.lower(), h.kind, h.id))
    return holders
