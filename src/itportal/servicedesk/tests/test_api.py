"""The ticket API: scoped lists, opening tickets, PATCH through the services, replies,
approvals, fulfilment and entries; it refuses what the pages refuse."""

import pytest

from itportal.catalogue.models import Subscription
from itportal.servicedesk import services
from itportal.servicedesk.choices import Approval, Channel, Level, Status
from itportal.servicedesk.models import Ticket
from itportal.servicedesk.tests.test_views import build, open_incident, order

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def test_it_lists_only_the_tickets_a_caller_may_see(org, users, client_for):
    desk = build(org, users)
    other = open_incident(org["people"][3], users, "Skolans ärende")

    def numbers(role):
        response = client_for(role).get("/api/tickets/")
        assert response.status_code == 200
        return {row["number"] for row in response.json()["results"]}

    mine = desk["incident"].number
    assert numbers("employee") == {mine}
    assert numbers("coordinator") == {mine}  # the school is outside their administration
    assert numbers("itstaff") == {mine, other.number}
    assert numbers("controller") == set()
    assert client_for("employee").get(f"/api/tickets/{other.pk}/").status_code == 404


def test_it_filters_the_api_like_the_queue(org, users, client_for):
    desk = build(org, users)
    services.change_status(desk["incident"], Status.RESOLVED, actor="test")
    open_incident(desk["person"], users, "Öppet")

    response = client_for("itstaff").get("/api/tickets/?status=open")

    assert [row["title"] for row in response.json()["results"]] == ["Öppet"]


def test_an_employee_opens_a_ticket_for_themselves_with_low_impact(org, users, client_for):
    desk = build(org, users)

    response = post(
        client_for("employee"),
        "/api/tickets/",
        {"kind": "incident", "title": "Skärmen flimrar", "impact": 1, "urgency": 2},
    )
    refused = post(
        client_for("employee"),
        "/api/tickets/",
        {"kind": "incident", "title": "Åt någon annan", "requester": org["people"][1].pk},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["requester"], body["impact"], body["urgency"], body["channel"]) == (
        desk["person"].pk,
        Level.LOW,
        Level.MEDIUM,
        Channel.API,
    )
    assert refused.status_code == 403
    assert not Ticket.objects.filter(title="Åt någon annan").exists()


def test_an_agent_opens_an_order_that_waits_for_approval(org, users, client_for):
    desk = build(org, users)

    response = post(
        client_for("itstaff"),
        "/api/tickets/",
        {
            "kind": "request",
            "title": "Datorer",
            "requester": desk["person"].pk,
            "service": desk["laptop"].pk,
            "quantity": "2",
        },
    )
    missing = post(
        client_for("itstaff"),
        "/api/tickets/",
        {
            "kind": "request",
            "title": "Utan antal",
            "requester": desk["person"].pk,
            "service": desk["laptop"].pk,
        },
    )

    assert response.status_code == 201
    assert response.json()["approval"] == Approval.PENDING
    assert missing.status_code == 400
    assert missing.json() == {"quantity": ["Order at least one."]}


def test_it_assigns_and_changes_the_status_with_patch(org, users, client_for):
    desk = build(org, users)
    ticket = desk["incident"]

    response = patch(
        client_for("itstaff"),
        f"/api/tickets/{ticket.pk}/",
        {
            "version": ticket.version,
            "group": desk["group"].pk,
            "agent": users["itstaff"].pk,
            "status": "in_progress",
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["group"], body["agent"], body["status"]) == (
        desk["group"].pk,
        users["itstaff"].pk,
        "in_progress",
    )


def test_it_refuses_to_close_an_unresolved_ticket_through_the_api(org, users, client_for):
    desk = build(org, users)
    ticket = desk["incident"]

    response = patch(
        client_for("itstaff"),
        f"/api/tickets/{ticket.pk}/",
        {"version": ticket.version, "status": "closed"},
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [f"{ticket.number} is not resolved; resolve it before closing it."]
    }
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_it_refuses_a_stale_patch_with_409(org, users, client_for):
    desk = build(org, users)
    ticket = desk["incident"]
    seen = ticket.version
    services.assign(ticket, group=desk["group"], agent=None, actor="test")

    response = patch(
        client_for("itstaff"), f"/api/tickets/{ticket.pk}/", {"version": seen, "agent": None}
    )

    assert response.status_code == 409


def test_it_lets_no_one_but_agents_patch_and_no_one_delete(org, users, client_for):
    desk = build(org, users)
    ticket = desk["incident"]

    by_requester = patch(
        client_for("employee"),
        f"/api/tickets/{ticket.pk}/",
        {"version": ticket.version, "status": "resolved"},
    )
    deleted = client_for("admin").delete(f"/api/tickets/{ticket.pk}/?version={ticket.version}")
    put = client_for("admin").put(
        f"/api/tickets/{ticket.pk}/", {"version": 1}, content_type="application/json"
    )

    assert (by_requester.status_code, deleted.status_code, put.status_code) == (403, 405, 405)
    assert Ticket.objects.filter(pk=ticket.pk, status=Status.NEW).exists()


def test_replies_and_entries_through_the_api(org, users, client_for):
    desk = build(org, users)
    ticket = desk["incident"]
    agent, requester = client_for("itstaff"), client_for("employee")

    note = post(agent, f"/api/tickets/{ticket.pk}/reply/", {"body": "Intern", "public": False})
    answer = post(agent, f"/api/tickets/{ticket.pk}/reply/", {"body": "Vi kommer i dag"})
    own = post(requester, f"/api/tickets/{ticket.pk}/reply/", {"body": "Tack", "public": False})
    stranger = post(client_for("coordinator"), f"/api/tickets/{ticket.pk}/reply/", {"body": "Hej"})

    assert (note.status_code, answer.status_code, own.status_code) == (201, 201, 201)
    assert own.json()["kind"] == "reply"  # a requester's message is always public
    assert stranger.status_code == 403
    seen_by_requester = [
        e["body"] for e in requester.get(f"/api/tickets/{ticket.pk}/entries/").json()
    ]
    assert seen_by_requester == ["Vi kommer i dag", "Tack"]
    seen_by_agent = [e["body"] for e in agent.get(f"/api/tickets/{ticket.pk}/entries/").json()]
    assert "Intern" in seen_by_agent
    ticket.refresh_from_db()
    assert ticket.responded_at is not None


def test_approve_and_fulfil_through_the_api(org, users, client_for):
    desk = build(org, users)
    ticket = order(desk, users)

    by_requester = post(client_for("employee"), f"/api/tickets/{ticket.pk}/approve/", {})
    early = post(
        client_for("itstaff"), f"/api/tickets/{ticket.pk}/fulfil/", {"version": ticket.version}
    )
    approved = post(client_for("coordinator"), f"/api/tickets/{ticket.pk}/approve/", {})
    version = approved.json()["version"]
    by_coordinator = post(
        client_for("coordinator"), f"/api/tickets/{ticket.pk}/fulfil/", {"version": version}
    )
    fulfilled = post(
        client_for("itstaff"),
        f"/api/tickets/{ticket.pk}/fulfil/",
        {"version": version, "start": "2026-12-01"},
    )

    assert by_requester.status_code == 403
    assert early.status_code == 400 and "is not approved" in early.json()["non_field_errors"][0]
    assert approved.status_code == 200 and approved.json()["approval"] == Approval.APPROVED
    assert by_coordinator.status_code == 403
    assert fulfilled.status_code == 200, fulfilled.content
    assert fulfilled.json()["status"] == Status.RESOLVED
    subscription = Subscription.objects.get(reference=ticket.number)
    assert str(subscription.start) == "2026-12-01"


def test_the_coordinator_rejects_through_the_api(org, users, client_for):
    desk = build(org, users)
    ticket = order(desk, users)

    response = post(
        client_for("coordinator"), f"/api/tickets/{ticket.pk}/reject/", {"reason": "Budget"}
    )

    assert response.status_code == 200
    assert (response.json()["approval"], response.json()["status"]) == ("rejected", "resolved")
