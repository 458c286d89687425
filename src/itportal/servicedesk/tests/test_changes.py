"""Changes: approvers and impact from the integration graph, the status machine, conflicts,
and the refusals (own approval, a window ending before it starts) on every channel."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from itportal.core.roles import Role
from itportal.core.testing import PersonFactory, make_user
from itportal.registry.models import Integration, System, SystemRole, SystemUsage
from itportal.registry.testing import ensure_role_types
from itportal.servicedesk import changes
from itportal.servicedesk.models import (
    AssignmentGroup,
    Blackout,
    Change,
    ChangeApproval,
    ChangeStatus,
    Decision,
    TicketCounter,
)


def at(day, hour, minute=0):
    """A local (Europe/Stockholm) time in March 2027."""
    return timezone.make_aware(datetime.datetime(2027, 3, day, hour, minute))


@pytest.fixture
def register(org, users):
    """Ekonomisystemet (A) → Lönesystemet (B) → Rapportportalen (C); Kassan feeds A (upstream,
    not affected); Biblioteket stands alone. Each has an owner with a login; A, B, C are used by
    three different units; Förändringsrådet (the CAB) has two members."""
    roles = ensure_role_types()
    names = {
        "a": "Ekonomisystemet",
        "b": "Lönesystemet",
        "c": "Rapportportalen",
        "upstream": "Kassan",
        "d": "Biblioteket",
    }
    systems = {
        key: System.objects.create(name=name, owning_unit=org["administration"])
        for key, name in names.items()
    }
    for source, target in (("a", "b"), ("b", "c"), ("upstream", "a")):
        Integration.objects.create(
            source=systems[source],
            target=systems[target],
            information=f"{names[source]} till {names[target]}",
            technology="api",
        )
    owners, logins = {}, {}
    for key in systems:
        logins[key] = make_user(f"owner-{key}", Role.EMPLOYEE)
        owners[key] = PersonFactory(unit=org["it_office"], user=logins[key])
        SystemRole.objects.create(system=systems[key], role_type=roles["owner"], person=owners[key])
    manager = PersonFactory(unit=org["it_office"], first_name="Maja", last_name="Förvaltare")
    SystemRole.objects.create(system=systems["c"], role_type=roles["manager"], person=manager)
    SystemUsage.objects.create(system=systems["a"], unit=org["administration"], users=30)
    SystemUsage.objects.create(system=systems["b"], unit=org["it_office"], users=12)
    SystemUsage.objects.create(system=systems["c"], unit=org["school"], users=400)
    SystemUsage.objects.create(system=systems["d"], unit=org["board"], users=5)
    cab = AssignmentGroup.objects.create(name="Förändringsrådet", is_change_advisory_board=True)
    members = [make_user("cab-1", Role.IT_STAFF), make_user("cab-2", Role.EMPLOYEE)]
    cab.members.set(members)
    AssignmentGroup.objects.create(name="Servicedesken")  # not a board
    return {
        **systems,
        "owners": owners,
        "logins": logins,
        "manager": manager,
        "cab": cab,
        "members": members,
    }


def new_change(register, users, *, kind="normal", systems=("a",), start=None, hours=2, **extra):
    start = start or at(10, 20)
    return changes.create_change(
        Change(
            title=extra.pop("title", "Uppgradering"),
            kind=kind,
            requested_by=extra.pop("requested_by", users["itstaff"]),
            planned_start=start,
            planned_end=start + datetime.timedelta(hours=hours),
            **extra,
        ),
        actor=users["itstaff"],
        m2m={"systems": [register[key] for key in systems]},
    )


def decide_all(change, register, keys=("a", "b", "c"), board=True):
    for key in keys:
        change.refresh_from_db()
        changes.decide(change, actor=register["logins"][key], approve=True)
    if board:
        change.refresh_from_db()
        changes.decide(change, actor=register["members"][1], approve=True)
    change.refresh_from_db()


# --- Approvers and impact from the graph ----------------------------------------------------
def test_it_asks_the_owners_of_every_affected_system_and_the_board_for_a_normal_change(
    register, users
):
    change = new_change(register, users)

    changes.submit(change, actor=users["itstaff"])

    approvals = list(change.approvals.select_related("person", "board"))
    asked_people = {a.person for a in approvals if a.person}
    assert asked_people == {register["owners"][k] for k in ("a", "b", "c")}
    assert [a.board for a in approvals if a.board] == [register["cab"]]
    reasons = {a.reason for a in approvals}
    assert "System owner of Lönesystemet" in reasons
    assert "Förändringsrådet" in reasons
    may = {
        u
        for u in (*register["logins"].values(), *register["members"])
        if any(changes.may_decide(u, a, change) for a in approvals)
    }
    expected = {register["logins"][k] for k in ("a", "b", "c")} | set(register["members"])
    assert may == expected  # not the owners of the upstream system or of Biblioteket
    assert change.status == ChangeStatus.SUBMITTED
    assert all(not a.after_the_fact and a.decision == Decision.PENDING for a in approvals)


def test_it_gives_the_affected_systems_units_and_people_from_the_integration_graph(
    register, users, org
):
    change = new_change(register, users)

    result = changes.impact(change)

    assert [(s.name, s.distance) for s in result.systems] == [
        ("Ekonomisystemet", 0),
        ("Lönesystemet", 1),
        ("Rapportportalen", 2),
    ]
    assert {unit.name for unit in result.units} == {
        org["administration"].name,
        org["it_office"].name,
        org["school"].name,
    }
    people = {holder.name for holder in result.people}
    assert str(register["manager"]) in people  # role holders to inform, not only owners
    assert str(register["owners"]["d"]) not in people
    assert str(register["owners"]["upstream"]) not in people


def test_it_shows_impact_and_approvers_on_the_change_page(register, users, client_for, org):
    change = new_change(register, users)
    client = client_for("itstaff")

    draft_page = client.get(change.get_absolute_url()).content.decode()
    changes.submit(change, actor=users["itstaff"])
    page = client.get(change.get_absolute_url()).content.decode()

    assert "When the change is submitted" in draft_page and "Förändringsrådet" in draft_page
    assert "Rapportportalen" in page and org["school"].name in page
    assert "System owner of Ekonomisystemet" in page
    assert "Awaiting approval" in page


def test_it_needs_no_approval_for_a_standard_change(register, users):
    change = new_change(register, users, kind="standard")

    changes.submit(change, actor=users["itstaff"])

    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    assert not change.approvals.exists()
    assert changes.approval_summary(change, []) == "Pre-approved (standard change)"


def test_it_approves_a_normal_change_when_every_approver_has_approved(register, users):
    change = new_change(register, users)
    changes.submit(change, actor=users["itstaff"])

    decide_all(change, register, keys=("a", "b"), board=True)
    assert change.status == ChangeStatus.SUBMITTED  # the owner of C has not decided
    decide_all(change, register, keys=("c",), board=False)

    assert change.status == ChangeStatus.APPROVED
    changes.implement(change, actor=users["itstaff"], result="Klart 21:40.")
    change.refresh_from_db()
    assert change.status == ChangeStatus.IMPLEMENTED
    assert change.implemented_at is not None


def test_one_rejection_rejects_the_change_and_needs_a_reason(register, users):
    change = new_change(register, users)
    changes.submit(change, actor=users["itstaff"])

    with pytest.raises(ValidationError) as refused:
        changes.decide(change, actor=register["logins"]["b"], approve=False)
    changes.decide(
        change, actor=register["logins"]["b"], approve=False, comment="Lönekörningen pågår."
    )

    assert "comment" in refused.value.message_dict
    change.refresh_from_db()
    assert change.status == ChangeStatus.REJECTED
    with pytest.raises(ValidationError):
        changes.implement(change, actor=users["itstaff"])


# --- The requester never approves ------------------------------------------------------------
def test_the_requester_cannot_approve_their_own_change_even_as_board_member_or_admin(
    register, users
):
    register["cab"].members.add(users["itstaff"])
    change = new_change(register, users)  # requested by IT staff, now a board member
    changes.submit(change, actor=users["itstaff"])
    board_approval = change.approvals.get(board__isnull=False)

    with pytest.raises(PermissionDenied):
        changes.decide(change, actor=users["itstaff"], approve=True)
    with pytest.raises(PermissionDenied):
        changes.decide(change, actor=users["itstaff"], approve=True, approval=board_approval)
    by_admin = new_change(register, users, requested_by=users["admin"], start=at(12, 20))
    changes.submit(by_admin, actor=users["admin"])
    with pytest.raises(PermissionDenied):
        changes.decide(by_admin, actor=users["admin"], approve=True)

    assert not ChangeApproval.objects.exclude(decision=Decision.PENDING).exists()


def test_an_owner_who_requests_a_change_is_not_asked_to_approve_it(register, users):
    owner = register["logins"]["a"]
    change = new_change(register, users, requested_by=owner)

    changes.submit(change, actor=users["itstaff"])

    asked = {a.person_id for a in change.approvals.all()}
    assert register["owners"]["a"].pk not in asked
    assert register["owners"]["b"].pk in asked
    assert change.approvals.filter(board=register["cab"]).exists()  # the board still decides


def test_the_page_refuses_the_requesters_approval(register, users, client_for):
    register["cab"].members.add(users["itstaff"])
    change = new_change(register, users)
    changes.submit(change, actor=users["itstaff"])
    change.refresh_from_db()
    client = client_for("itstaff")

    response = client.post(
        f"/desk/changes/{change.pk}/approve/", {"_version": change.version}, follow=True
    )

    assert "someone else approves it" in response.content.decode()
    assert not change.approvals.filter(decision=Decision.APPROVED).exists()


def test_an_owner_without_staff_role_approves_on_the_page(register, users):
    change = new_change(register, users)
    changes.submit(change, actor=users["itstaff"])
    change.refresh_from_db()
    client = Client()
    client.force_login(register["logins"]["b"])  # an employee who owns Lönesystemet

    page = client.get(change.get_absolute_url())
    listing = client.get("/desk/changes/").content.decode()
    response = client.post(
        f"/desk/changes/{change.pk}/approve/",
        {"_version": change.version, "comment": "OK från lön."},
        follow=True,
    )

    assert page.status_code == 200 and "Approve" in page.content.decode()
    assert change.number in listing
    assert "You approved" in response.content.decode()
    approval = change.approvals.get(person=register["owners"]["b"])
    assert (approval.decision, approval.comment) == (Decision.APPROVED, "OK från lön.")


def test_an_it_admin_records_the_decision_of_an_owner_without_a_login(register, users, org):
    roles = ensure_role_types()
    offline = PersonFactory(unit=org["it_office"])
    SystemRole.objects.create(system=register["c"], role_type=roles["owner"], person=offline)
    change = new_change(register, users)
    changes.submit(change, actor=users["itstaff"])
    approval = change.approvals.get(person=offline)

    with pytest.raises(PermissionDenied):
        changes.decide(change, actor=register["logins"]["a"], approve=True, approval=approval)
    changes.decide(
        change, actor=users["admin"], approve=True, approval=approval, comment="Per e-post."
    )

    approval.refresh_from_db()
    assert (approval.decision, approval.decided_by) == (Decision.APPROVED, users["admin"])


# --- Emergency changes -----------------------------------------------------------------------
def test_an_emergency_change_is_implemented_first_and_approved_after_the_fact(register, users):
    change = new_change(register, users, kind="emergency", systems=("b",))
    changes.submit(change, actor=users["itstaff"])
    approvals = list(change.approvals.all())

    changes.implement(change, actor=users["itstaff"], result="Säkerhetspatch installerad.")
    change.refresh_from_db()
    assert change.status == ChangeStatus.IMPLEMENTED
    decide_all(change, register, keys=("b", "c"), board=False)

    assert {a.person for a in approvals} == {register["owners"]["b"], register["owners"]["c"]}
    assert all(a.after_the_fact for a in approvals)
    assert change.status == ChangeStatus.IMPLEMENTED  # deciding afterwards does not move it
    assert set(change.approvals.values_list("decision", flat=True)) == {Decision.APPROVED}
    assert changes.approval_summary(change, list(change.approvals.all())) == "Approved"


def test_a_normal_change_cannot_be_implemented_before_approval(register, users):
    change = new_change(register, users)
    changes.submit(change, actor=users["itstaff"])

    with pytest.raises(ValidationError) as refused:
        changes.implement(change, actor=users["itstaff"])

    assert "awaiting approval" in refused.value.messages[0]


# --- Conflicts -------------------------------------------------------------------------------
def test_it_warns_of_overlapping_changes_on_affected_systems_and_of_blackouts(register, users):
    change = new_change(register, users, start=at(10, 20), hours=3)  # A, so B and C too
    other = new_change(register, users, systems=("b",), start=at(10, 22), title="Lönepatch")
    changes.submit(other, actor=users["itstaff"])
    cancelled = new_change(register, users, systems=("b",), start=at(10, 21), title="Struken")
    changes.cancel(cancelled, actor=users["itstaff"])
    new_change(register, users, systems=("b",), start=at(11, 20), title="Nästa dag")
    new_change(register, users, systems=("d",), start=at(10, 20), title="Biblioteket")
    payroll = changes.create_blackout(
        Blackout(name="Lönekörning", start=at(10, 0), end=at(11, 0)),
        actor="test",
        m2m={"systems": [register["b"]]},
    )
    changes.create_blackout(
        Blackout(name="Bokslut", start=at(10, 12), end=at(10, 21)), actor="test"
    )
    changes.create_blackout(
        Blackout(name="Bibliotekets inventering", start=at(10, 0), end=at(11, 0)),
        actor="test",
        m2m={"systems": [register["d"]]},
    )

    found = changes.conflicts(change)

    assert [(c.kind, str(c.other)) for c in found] == [
        ("change", str(other)),
        ("blackout", "Lönekörning"),
        ("blackout", "Bokslut"),
    ]
    assert found[0].systems == ["Lönesystemet", "Rapportportalen"]
    assert "Awaiting approval".lower() in found[0].message
    assert found[1].systems == ["Lönesystemet"]
    assert "all systems" in found[2].message
    assert payroll.pk


def test_it_shows_conflicts_after_saving_the_form(register, users, client_for):
    changes.create_blackout(
        Blackout(name="Lönekörning", start=at(10, 0), end=at(11, 0)), actor="test"
    )
    client = client_for("itstaff")

    response = client.post(
        "/desk/changes/add/",
        {
            "title": "Byte av lagring",
            "kind": "normal",
            "risk": "medium",
            "systems": [register["a"].pk],
            "planned_start": "2027-03-10T20:00",
            "planned_end": "2027-03-10T22:00",
        },
        follow=True,
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "The window overlaps the blackout period Lönekörning" in page
    change = Change.objects.get(title="Byte av lagring")
    assert list(change.systems.all()) == [register["a"]]
    assert re.fullmatch(rf"CHG-{timezone.localdate().year}-\d{{6}}", change.number)
    assert change.requested_by == users["itstaff"]


# --- A window that ends before it starts -----------------------------------------------------
def test_the_service_refuses_a_window_ending_before_it_starts(register, users):
    with pytest.raises(ValidationError) as refused:
        changes.create_change(
            Change(
                title="Baklänges",
                requested_by=users["itstaff"],
                planned_start=at(10, 22),
                planned_end=at(10, 20),
            ),
            actor=users["itstaff"],
        )

    assert "must come after the planned start" in refused.value.message_dict["planned_end"][0]
    assert not Change.objects.exists()
    assert not TicketCounter.objects.filter(prefix="CHG").exclude(last=0).exists()


def test_the_form_refuses_a_window_ending_before_it_starts(register, users, client_for):
    response = client_for("itstaff").post(
        "/desk/changes/add/",
        {
            "title": "Baklänges",
            "kind": "normal",
            "risk": "low",
            "planned_start": "2027-03-10T22:00",
            "planned_end": "2027-03-10T20:00",
        },
    )

    assert response.status_code == 200
    assert "must come after the planned start" in response.content.decode()
    assert response.context["form"].errors["planned_end"]
    assert not Change.objects.exists()


def test_the_api_refuses_a_window_ending_before_it_starts(register, users):
    token = Token.objects.create(user=users["itstaff"])
    api = Client(headers={"Authorization": f"Token {token.key}"})

    response = api.post(
        "/api/changes/",
        {
            "title": "Baklänges",
            "kind": "normal",
            "systems": [register["a"].pk],
            "planned_start": "2027-03-10T22:00:00+01:00",
            "planned_end": "2027-03-10T20:00:00+01:00",
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "planned_end" in response.json()
    assert not Change.objects.exists()


# --- API -------------------------------------------------------------------------------------
def test_the_api_runs_a_change_from_draft_to_implemented(register, users):
    def client(user):
        token, _ = Token.objects.get_or_create(user=user)
        return Client(headers={"Authorization": f"Token {token.key}"})

    staff = client(users["itstaff"])
    created = staff.post(
        "/api/changes/",
        {
            "title": "Ny version av lönesystemet",
            "kind": "normal",
            "systems": [register["b"].pk],
            "planned_start": "2027-03-10T20:00:00+01:00",
            "planned_end": "2027-03-10T23:00:00+01:00",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk, version = created.json()["id"], created.json()["version"]
    submitted = staff.post(f"/api/changes/{pk}/submit/", {"version": version}, "application/json")
    assert submitted.status_code == 200, submitted.content
    version = submitted.json()["version"]
    impact = staff.get(f"/api/changes/{pk}/impact/").json()

    own = staff.post(f"/api/changes/{pk}/approve/", {"version": version}, "application/json")
    for approver in (register["logins"]["b"], register["logins"]["c"], register["members"][0]):
        done = client(approver).post(
            f"/api/changes/{pk}/approve/", {"version": version}, "application/json"
        )
        assert done.status_code == 200, done.content
        version = done.json()["version"]
    implemented = staff.post(
        f"/api/changes/{pk}/implement/",
        {"version": version, "success": False, "result": "Återställd enligt backout-planen."},
        "application/json",
    )

    assert [s["name"] for s in impact["systems"]] == ["Lönesystemet", "Rapportportalen"]
    assert own.status_code == 403  # IT staff requested it and are not asked anyway
    assert implemented.status_code == 200, implemented.content
    assert implemented.json()["status"] == "failed"


def test_the_api_refuses_to_edit_a_submitted_change(register, users):
    change = new_change(register, users)
    changes.submit(change, actor=users["itstaff"])
    change.refresh_from_db()
    token = Token.objects.create(user=users["itstaff"])
    api = Client(headers={"Authorization": f"Token {token.key}"})

    response = api.patch(
        f"/api/changes/{change.pk}/",
        {"title": "Annat", "version": change.version},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "only a draft can be edited" in str(response.json())


# --- Pages: query counts ---------------------------------------------------------------------
def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow(register, users, count, start=0):
    for n in range(start, start + count):
        change = new_change(
            register, users, systems=("a", "b", "d"), start=at(1 + n % 25, 8), title=f"Ändring {n}"
        )
        changes.submit(change, actor=users["itstaff"])


def test_it_renders_the_change_list_with_a_constant_number_of_queries(register, users, client_for):
    client = client_for("itstaff")
    grow(register, users, 2)
    before = count_queries(client, "/desk/changes/")
    grow(register, users, 8, start=2)
    assert count_queries(client, "/desk/changes/") == before


def test_it_renders_the_change_page_with_a_constant_number_of_queries(
    register, users, client_for, org
):
    client = client_for("itstaff")
    change = new_change(register, users, systems=("a",))
    changes.submit(change, actor=users["itstaff"])
    url = change.get_absolute_url()
    before = count_queries(client, url)
    roles = ensure_role_types()
    extra = System.objects.create(name="Budgetverktyget", owning_unit=org["administration"])
    Integration.objects.create(
        source=register["c"], target=extra, information="Utfall", technology="file"
    )
    SystemUsage.objects.create(system=extra, unit=org["board"], users=3)
    SystemRole.objects.create(
        system=extra, role_type=roles["owner"], person=PersonFactory(unit=org["it_office"])
    )
    grow(register, users, 5)  # more overlapping changes and history
    after = count_queries(client, url)
    assert after == before


def test_the_blackout_list_filtered_by_a_system_includes_blackouts_of_every_system(
    register, client_for
):
    changes.create_blackout(
        Blackout(name="Lönekörning", start=at(10, 0), end=at(11, 0)),
        actor="test",
        m2m={"systems": [register["b"]]},
    )
    changes.create_blackout(Blackout(name="Bokslut", start=at(20, 0), end=at(21, 0)), actor="t")
    changes.create_blackout(
        Blackout(name="Inventering", start=at(12, 0), end=at(13, 0)),
        actor="test",
        m2m={"systems": [register["d"]]},
    )

    page = client_for("employee").get(f"/desk/changes/blackouts/?system={register['b'].pk}")

    text = page.content.decode()
    assert "Lönekörning" in text and "Bokslut" in text
    assert "Inventering" not in text


def test_the_change_list_filters_by_status_kind_system_and_window(register, users, client_for):
    new_change(register, users, systems=("b",), start=at(3, 20), title="Tidig lönepatch")
    late = new_change(register, users, systems=("b",), start=at(20, 20), title="Sen lönepatch")
    changes.submit(late, actor=users["itstaff"])
    new_change(register, users, kind="emergency", systems=("d",), start=at(20, 8), title="Akut")
    client = client_for("itstaff")

    def titles(query):
        page = client.get(f"/desk/changes/?{query}").content.decode()
        return {t for t in ("Tidig lönepatch", "Sen lönepatch", "Akut") if t in page}

    assert titles(f"system={register['b'].pk}") == {"Tidig lönepatch", "Sen lönepatch"}
    assert titles("window_from=2027-03-15") == {"Sen lönepatch", "Akut"}
    assert titles("window_to=2027-03-15") == {"Tidig lönepatch"}
    assert titles("status=submitted") == {"Sen lönepatch"}
    assert titles("kind=emergency") == {"Akut"}


def test_a_wide_impact_is_listed_in_part_with_a_link_to_all_of_it(
    register, users, client_for, org, monkeypatch
):
    from itportal.servicedesk import views_changes

    monkeypatch.setattr(views_changes, "IMPACT_ROWS", 1)
    change = new_change(register, users)  # names A: B and C are reached through integrations
    client = client_for("itstaff")

    cut = client.get(change.get_absolute_url())
    whole = client.get(change.get_absolute_url() + "?impact=all")

    page = cut.content.decode()
    assert "3 systems affected" in page  # the counts are of everything
    assert len(cut.context["indirect"]) == 1 and len(whole.context["indirect"]) == 2
    assert "Each table shows its first 1 rows." in page
    assert f'href="{change.get_absolute_url()}?impact=all#impact"' in page
    assert "Each table shows" not in whole.content.decode()
    assert {s.name for s, _via in whole.context["indirect"]} == {"Lönesystemet", "Rapportportalen"}
