"""Impact analysis: the transitive set on a graph with cycles, units and people affected, the
page (constant queries), the SVG picture and the API."""

import datetime
import random
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from itportal.core.browser import axe_check
from itportal.organisation.models import VendorContact
from itportal.registry import graph, svg
from itportal.registry.api_impact import ImpactSerializer
from itportal.registry.models import Integration, System, SystemRole, SystemUsage
from itportal.registry.testing import ensure_role_types

SVG_NS = "{http://www.w3.org/2000/svg}"


def make_systems(org, names):
    systems = System.objects.bulk_create(
        [System(name=name, owning_unit=org["administration"]) for name in names]
    )
    return {system.name: system for system in systems}


def link(source, target, information="Data", status="active", technology="api"):
    return Integration.objects.create(
        source=source,
        target=target,
        information=information,
        technology=technology,
        status=status,
    )


def role_types():
    return ensure_role_types()


@pytest.fixture
def landscape(org):
    """A → B → C → A (a cycle), C → D, E → A; retired D → F and planned B → G are ignored."""
    s = make_systems(org, "ABCDEFG")
    link(s["A"], s["B"])
    link(s["B"], s["C"])
    link(s["B"], s["C"], information="Other data", technology="file")  # a second flow
    link(s["C"], s["A"])
    link(s["C"], s["D"])
    link(s["E"], s["A"])
    link(s["D"], s["F"], status="retired")
    link(s["B"], s["G"], status="planned")
    roles = role_types()
    people = org["people"]
    SystemUsage.objects.create(system=s["A"], unit=org["it_office"], users=10)
    SystemUsage.objects.create(system=s["C"], unit=org["it_office"], users=25)
    SystemUsage.objects.create(system=s["D"], unit=org["school"], users=40)
    SystemUsage.objects.create(system=s["F"], unit=org["administration"], users=99)
    SystemRole.objects.create(system=s["A"], role_type=roles["owner"], person=people[0])
    SystemRole.objects.create(system=s["D"], role_type=roles["manager"], person=people[1])
    SystemRole.objects.create(system=s["C"], role_type=roles["owner"], person=people[0])
    SystemRole.objects.create(system=s["F"], role_type=roles["owner"], person=people[2])
    SystemRole.objects.create(  # ended: not informed
        system=s["B"],
        role_type=roles["manager"],
        person=people[3],
        start=datetime.date(2020, 1, 1),
        end=datetime.date(2021, 1, 1),
    )
    contact = VendorContact.objects.create(vendor=org["vendor"], name="Kim Drift")
    SystemRole.objects.create(
        system=s["C"], role_type=roles["operations_vendor"], vendor_contact=contact
    )
    return s


def ids(landscape, names):
    return {landscape[n].pk for n in names}


def by_name(landscape, mapping):
    names = {system.pk: name for name, system in landscape.items()}
    return {names[pk]: value for pk, value in mapping.items()}


# --- The graph -------------------------------------------------------------------------------
def test_it_finds_every_dependent_with_its_distance_through_cycles(landscape):
    s = landscape

    assert by_name(s, graph.dependents(s["A"].pk)) == {"B": 1, "C": 2, "D": 3}
    assert by_name(s, graph.dependents(s["C"].pk)) == {"A": 1, "D": 1, "B": 2}
    assert by_name(s, graph.dependents(s["E"].pk)) == {"A": 1, "B": 2, "C": 3, "D": 4}
    assert graph.dependents(s["D"].pk) == {}
    assert graph.dependents(s["F"].pk) == {}  # only reached by a retired integration


def test_it_ignores_planned_and_retired_integrations(landscape):
    s = landscape

    reached = graph.dependents(s["B"].pk)

    assert s["G"].pk not in reached  # planned
    assert s["F"].pk not in graph.dependents(s["D"].pk)  # retired


def test_it_walks_upstream_when_asked(landscape):
    s = landscape

    assert by_name(s, graph.dependencies(s["A"].pk)) == {"C": 1, "E": 1, "B": 2}

    result = graph.impact(s["A"].pk, upstream=True)

    # B and C are both upstream and downstream of A (the cycle): they count as affected.
    assert {n.id: n.distance for n in result.upstream} == {s["E"].pk: 1}
    assert {n.id for n in result.systems} == ids(s, "BCD")


def test_it_records_a_shortest_path_tree(landscape):
    s = landscape

    result = graph.impact(s["A"].pk)
    via = {n.id: n.via for n in result.systems}

    assert via == {s["B"].pk: s["A"].pk, s["C"].pk: s["B"].pk, s["D"].pk: s["C"].pk}
    assert result.root.id == s["A"].pk and result.root.distance == 0
    assert [n.distance for n in result.systems] == [1, 2, 3]


def test_it_lists_the_edges_between_the_systems_shown(landscape):
    s = landscape

    result = graph.impact(s["A"].pk)

    pairs = sorted((e[graph.SOURCE], e[graph.TARGET]) for e in result.edges)
    assert pairs == sorted(
        [
            (s["A"].pk, s["B"].pk),
            (s["B"].pk, s["C"].pk),
            (s["B"].pk, s["C"].pk),
            (s["C"].pk, s["A"].pk),
            (s["C"].pk, s["D"].pk),
        ]
    )


def test_it_finds_the_units_and_people_affected(org, landscape):
    s = landscape

    result = graph.impact(s["A"].pk)

    units = {u.name: (u.users, set(u.systems)) for u in result.units}
    assert units == {
        "IT-kontoret": (25, ids(s, "AC")),  # largest usage, a person counted once
        "Utbildningsförvaltningen": (40, ids(s, "D")),
    }
    assert result.users == 65
    assert [u.name for u in result.units] == ["Utbildningsförvaltningen", "IT-kontoret"]
    people = {(h.kind, h.id): sorted(role for _pk, role in h.roles) for h in result.people}
    p = org["people"]
    contact = VendorContact.objects.get(name="Kim Drift")
    assert people == {
        ("person", p[0].pk): ["Systemägare", "Systemägare"],  # owner of A and of C
        ("person", p[1].pk): ["Systemförvaltare"],
        ("vendor_contact", contact.pk): ["Systemdriftsansvarig hos leverantör"],
    }


def test_it_leaves_out_the_users_of_upstream_systems(org, landscape):
    s = landscape
    SystemUsage.objects.create(system=s["E"], unit=org["administration"], users=7)

    result = graph.impact(s["A"].pk, upstream=True)

    assert "Stadsledningsförvaltningen" not in {u.name for u in result.units}


def test_it_uses_four_queries_whatever_the_size(org, landscape):
    s = landscape
    more = make_systems(org, [f"Extra {i:03d}" for i in range(600)])  # beyond the IN limit
    chain = [s["D"], *more.values()]
    for a, b in zip(chain, chain[1:], strict=False):
        link(a, b)
    for system in list(more.values())[::10]:
        SystemUsage.objects.create(system=system, unit=org["school"], users=3)

    with CaptureQueriesContext(connection) as queries:
        result = graph.impact(s["A"].pk, upstream=True)

    assert len(queries) == 4
    with CaptureQueriesContext(connection) as queries:
        graph.impact(s["A"].pk, graph=graph.load_graph(), who=False)
    assert len(queries) == 2
    assert len(result.systems) == 3 + 600
    assert result.systems[-1].distance == 603
    assert {u.name: u.users for u in result.units}["Utbildningsförvaltningen"] == 40


def test_it_reports_an_unknown_system(db):
    with pytest.raises(System.DoesNotExist):
        graph.impact(999_999)


# --- The page ------------------------------------------------------------------------------
def test_it_shows_the_impact_page(client_for, landscape):
    s = landscape

    response = client_for("employee").get(reverse("registry:impact", args=[s["A"].pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    for name in ("IT-kontoret", "Utbildningsförvaltningen", "Kim Drift (Norrdata AB)"):
        assert name in html
    rows = response.context["result"].systems
    assert [(n.id, n.distance) for n in rows] == [(s["B"].pk, 1), (s["C"].pk, 2), (s["D"].pk, 3)]
    assert not response.context["result"].upstream
    assert "What this system depends on" not in html


def test_it_shows_the_upstream_systems_on_request(client_for, landscape):
    s = landscape

    response = client_for("employee").get(
        reverse("registry:impact", args=[s["A"].pk]) + "?upstream=1"
    )

    assert [n.id for n in response.context["result"].upstream] == [s["E"].pk]
    assert "What this system depends on" in response.content.decode()
    assert f'data-system="{s["E"].pk}"' in response.content.decode()


def test_it_answers_404_for_an_unknown_system(client_for, db):
    client = client_for("employee")

    assert client.get(reverse("registry:impact", args=[999_999])).status_code == 404
    assert client.get(reverse("registry:impact_svg", args=[999_999])).status_code == 404
    assert client.get(reverse("system-impact", args=[999_999])).status_code == 404


def test_it_sends_an_anonymous_visitor_to_the_login(client_for, landscape):
    response = client_for("anonymous").get(reverse("registry:impact", args=[landscape["A"].pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def grow(org, landscape, count):
    """Hang `count` more systems, with integrations, usages and roles, below D."""
    more = list(make_systems(org, [f"Växt {i:03d}" for i in range(count)]).values())
    roles = role_types()
    rng = random.Random(7)
    parents = [landscape["D"]]
    for system in more:
        link(rng.choice(parents), system)
        if len(parents) > 3:
            link(system, rng.choice(parents), information="Back")  # cycles
        parents.append(system)
    SystemUsage.objects.bulk_create(
        [
            SystemUsage(system=m, unit=org["school"] if i % 2 else org["it_office"], users=i)
            for i, m in enumerate(more)
        ]
    )
    SystemRole.objects.bulk_create(
        [
            SystemRole(system=m, role_type=roles["owner"], person=org["people"][i % 4])
            for i, m in enumerate(more)
        ]
    )
    return more


def page_queries(client, url):
    client.get(url)  # warm up: session, content types, translations
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries]


def test_it_renders_the_page_with_the_same_queries_for_a_larger_graph(org, client_for, landscape):
    client = client_for("employee")
    url = reverse("registry:impact", args=[landscape["A"].pk])
    small = page_queries(client, url)
    small_svg = page_queries(client, reverse("registry:impact_svg", args=[landscape["A"].pk]))
    small_api = page_queries(client, reverse("system-impact", args=[landscape["A"].pk]))

    grow(org, landscape, 60)
    large = page_queries(client, url)
    large_svg = page_queries(client, reverse("registry:impact_svg", args=[landscape["A"].pk]))
    large_api = page_queries(client, reverse("system-impact", args=[landscape["A"].pk]))

    assert len(large) == len(small), "\n".join(large)
    assert len(large_svg) == len(small_svg)
    assert len(large_api) == len(small_api)
    assert len(small) <= 10, "\n".join(small)


# --- The picture -----------------------------------------------------------------------------
def parse_svg(content):
    root = ET.fromstring(content)
    assert root.tag == f"{SVG_NS}svg"
    return root


def test_it_draws_a_well_formed_svg_with_a_node_per_system(client_for, landscape):
    s = landscape

    response = client_for("employee").get(reverse("registry:impact_svg", args=[s["A"].pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    root = parse_svg(response.content)
    assert root.get("role") == "img"
    labelled_by = root.get("aria-labelledby").split()
    found = {el.get("id"): el.tag for el in root.iter() if el.get("id") in labelled_by}
    assert found == {
        labelled_by[0]: f"{SVG_NS}title",
        labelled_by[1]: f"{SVG_NS}desc",
    }
    nodes = {int(g.get("data-system")) for g in root.iter(f"{SVG_NS}g") if g.get("data-system")}
    assert nodes == ids(s, "ABCD")
    arrows = root.findall(f".//{SVG_NS}g[@class='edges']/{SVG_NS}path")
    assert len(arrows) == 4  # A→B, B→C (two flows, one arrow), C→A, C→D


def test_it_escapes_names_and_cuts_long_labels(org):
    long_name = 'Verksamhetssystem för <individ & familjeomsorg> med "tillägg"'
    s = make_systems(org, [long_name, "Mål"])
    link(s[long_name], s["Mål"])

    document = svg.render(graph.impact(s[long_name].pk))

    root = parse_svg(document)
    texts = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert svg.label(long_name) in texts and long_name not in texts
    assert len(svg.label(long_name)) == svg.LABEL_MAX
    titles = [t.text for t in root.iter(f"{SVG_NS}title")]
    assert any(long_name in (t or "") for t in titles)


def test_it_renders_200_systems_readably(org, client_for):
    names = [f"System {i:03d}" for i in range(200)]
    s = make_systems(org, names)
    systems = [s[n] for n in names]
    rng = random.Random(3)
    for index, system in enumerate(systems[1:], start=1):
        link(systems[rng.randrange(0, min(index, 12))], system)  # wide first layers
        if index % 5 == 0:
            link(system, systems[rng.randrange(0, index)], information="Kvittens")
    root_id = systems[0].pk

    result = graph.impact(root_id)
    client = client_for("employee")
    html = client.get(reverse("registry:impact", args=[root_id]))
    picture = client.get(reverse("registry:impact_svg", args=[root_id]))
    api = client.get(reverse("system-impact", args=[root_id]))

    assert len(result.systems) == 199
    assert html.status_code == 200 and picture.status_code == 200 and api.status_code == 200
    root = parse_svg(picture.content)
    rects = root.findall(f".//{SVG_NS}g[@data-system]/{SVG_NS}rect")
    assert len(rects) == 200
    # Big layers wrap into sub-columns: no column is taller than the readable limit.
    positions, _headers, width, height = svg.layout(result)
    per_x = {}
    for x, _y, _column, _left, _right in positions.values():
        per_x[x] = per_x.get(x, 0) + 1
    assert max(per_x.values()) <= 2 * svg.MIN_ROWS
    assert len({position[:2] for position in positions.values()}) == 200  # no overlaps
    assert width < 20_000 and height < 3_000


# --- The API -------------------------------------------------------------------------------
def test_it_returns_the_same_impact_over_the_api(client_for, landscape):
    s = landscape

    response = client_for("employee").get(reverse("system-impact", args=[s["A"].pk]))

    assert response.status_code == 200
    data = response.json()
    assert data["system"]["id"] == s["A"].pk
    assert {d["id"]: d["distance"] for d in data["systems"]} == graph.dependents(s["A"].pk)
    assert {d["id"]: d["via"] for d in data["systems"]}[s["D"].pk] == s["C"].pk
    assert {u["name"]: u["users"] for u in data["units"]} == {
        "IT-kontoret": 25,
        "Utbildningsförvaltningen": 40,
    }
    assert data["users"] == 65
    assert all(holder["active"] for holder in data["people"])
    assert len(data["people"]) == 3 and len(data["edges"]) == 5
    assert data["upstream"] == []
    assert ImpactSerializer(data).data == data  # the documented shape


def test_it_returns_the_upstream_systems_over_the_api_on_request(client_for, landscape):
    s = landscape

    response = client_for("employee").get(
        reverse("system-impact", args=[s["A"].pk]), {"upstream": "true"}
    )

    assert [d["id"] for d in response.json()["upstream"]] == [s["E"].pk]


def test_it_documents_the_impact_call_in_the_openapi_schema(client_for):
    response = client_for("admin").get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    path = next(p for p in paths if p.startswith("/api/systems/") and p.endswith("/impact/"))
    operation = paths[path]["get"]
    assert operation["operationId"] == "systems_impact"
    assert "200" in operation["responses"]


def test_it_escapes_names_in_the_page(org, client_for):
    s = make_systems(org, ["<script>alert(1)</script>", "B&B"])
    link(s["<script>alert(1)</script>"], s["B&B"], information="<b>Personer</b>")

    response = client_for("employee").get(
        reverse("registry:impact", args=[s["<script>alert(1)</script>"].pk])
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "B&amp;B" in content and "&lt;b&gt;Personer&lt;/b&gt;" in content


def test_it_draws_only_the_nearest_systems_of_a_huge_impact(org, client_for):
    count = svg.MAX_NODES + 40
    s = make_systems(org, ["Hubben", *(f"Nod {i:03d}" for i in range(count))])
    hub = s["Hubben"]
    nodes = [s[f"Nod {i:03d}"] for i in range(count)]
    Integration.objects.bulk_create(
        [Integration(source=hub, target=n, information="Id", technology="api") for n in nodes[:30]]
        + [
            Integration(source=nodes[i % 30], target=n, information="Id", technology="api")
            for i, n in enumerate(nodes[30:])
        ]
    )
    client = client_for("employee")

    picture = parse_svg(client.get(reverse("registry:impact_svg", args=[hub.pk])).content)
    everything = parse_svg(
        client.get(reverse("registry:impact_svg", args=[hub.pk]), {"all": "1"}).content
    )
    html = client.get(reverse("registry:impact", args=[hub.pk])).content.decode()

    assert len(picture.findall(f".//{SVG_NS}g[@data-system]")) == svg.MAX_NODES
    assert "nearest" in picture.find(f"{SVG_NS}desc").text
    assert len(everything.findall(f".//{SVG_NS}g[@data-system]")) == count + 1
    assert f"It shows the {svg.MAX_NODES - 1} nearest of {count} systems." in html
    assert html.count('<th scope="row" class="fw-normal"><a href=') == count


# --- In a browser ----------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_it_passes_the_axe_check_in_a_browser(page, log_in, users, landscape):
    """The browser fixtures (`page`, `log_in`) come from registry/tests/conftest.py."""
    log_in(users["employee"])
    url = reverse("registry:impact", args=[landscape["A"].pk])

    page.goto(url + "?upstream=1")
    axe_check(page)
    page.locator("#edges-heading ~ details > summary").click()
    axe_check(page)

    graph_figure = page.get_by_role("img", name="Impact of A")
    assert graph_figure.is_visible()
    assert page.locator("svg g[data-system]").count() == 5  # E, A, B, C, D


def test_it_marks_a_role_holder_who_has_left(org, client_for, landscape):
    leaver = org["people"][1]  # manager of D
    leaver.active = False
    leaver.save()

    result = graph.impact(landscape["A"].pk)
    response = client_for("employee").get(reverse("registry:impact", args=[landscape["A"].pk]))

    assert [h.active for h in result.people if h.id == leaver.pk] == [False]
    assert "has left" in response.content.decode()
