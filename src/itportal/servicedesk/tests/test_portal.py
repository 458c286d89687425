"""The self-service portal: my tickets, reporting an incident, ordering from the catalogue, the
coordinator's approvals, and what a requester may see of a ticket."""

from decimal import Decimal

import pytest

from itportal.catalogue.models import Service
from itportal.servicedesk import services
from itportal.servicedesk.choices import Approval, Channel, Kind, Level, Status
from itportal.servicedesk.models import Ticket
from itportal.servicedesk.tests.test_views import (
    build,
    count_queries,
    follow,
    messages_of,
    open_incident,
    order,
)

pytestmark = pytest.mark.django_db


def test_it_tells_a_login_without_a_person_whom_to_ask(org, users, client_for):
    for url in ("/desk/", "/desk/report/", "/desk/order/"):
        response = client_for("controller").get(url)

        assert response.status_code == 200
        assert "Your login is not linked to a person" in response.content.decode()
        assert "IT coordinator" in response.content.decode()


def test_it_lists_my_tickets_with_their_status_and_due_time(org, users, client_for):
    desk = build(org, users)
    other = open_incident(org["people"][1], users, "Någon annans ärende")

    response = client_for("employee").get("/desk/")

    html = response.content.decode()
    assert desk["incident"].number in html and other.number not in html
    assert "New" in html
    assert "Report an incident" in html and "Order a service" in html


def test_it_renders_the_portal_with_a_constant_number_of_queries(org, users, client_for):
    desk = build(org, users)
    order(desk, users)
    client = client_for("coordinator")
    coordinator_person = org["people"][2]
    coordinator_person.user = users["coordinator"]
    coordinator_person.save()
    before = (count_queries(client, "/desk/"), count_queries(client_for("employee"), "/desk/"))
    for _n in range(6):
        order(desk, users)
        open_incident(desk["person"], users, "Fler ärenden")

    after = (count_queries(client, "/desk/"), count_queries(client_for("employee"), "/desk/"))
    assert after == before


def test_it_opens_an_incident_with_low_impact_from_the_portal(org, users, client_for):
    desk = build(org, users)

    response = follow(
        client_for("employee"),
        "/desk/report/",
        {
            "title": "Wifi försvinner i konferensrummet",
            "description": "Sedan i morse.",
            "service": desk["laptop"].pk,
            "urgency": Level.HIGH,
        },
    )

    ticket = Ticket.objects.get(title="Wifi försvinner i konferensrummet")
    assert (ticket.kind, ticket.requester, ticket.impact, ticket.urgency, ticket.channel) == (
        Kind.INCIDENT,
        desk["person"],
        Level.LOW,
        Level.HIGH,
        Channel.PORTAL,
    )
    assert ticket.priority == 3  # low impact × high urgency in the default matrix
    assert any(ticket.number in m for m in messages_of(response))


def test_it_asks_for_a_title_when_reporting_an_incident(org, users, client_for):
    build(org, users)

    response = client_for("employee").post("/desk/report/", {"title": "", "urgency": 3})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Ticket.objects.filter(kind=Kind.INCIDENT).exclude(title="Skrivaren skriver inte")


def test_it_orders_an_orderable_service(org, users, client_for):
    desk = build(org, users)
    client = client_for("employee")

    chooser = client.get("/desk/order/").content.decode()
    form = client.get(f"/desk/order/?service={desk['laptop'].pk}")
    response = follow(
        client,
        "/desk/order/",
        {"service": desk["laptop"].pk, "quantity": "3", "justification": "Tre nyanställda"},
    )

    assert f"?service={desk['laptop'].pk}" in chooser
    assert form.status_code == 200 and "Order Bärbar dator som tjänst" in form.content.decode()
    ticket = Ticket.objects.get(kind=Kind.REQUEST)
    assert (ticket.service, ticket.quantity, ticket.approval, ticket.unit) == (
        desk["laptop"],
        Decimal("3.00"),
        Approval.PENDING,
        org["it_office"],
    )
    assert ticket.title == "Order: Bärbar dator som tjänst × 3"
    assert any("approves it" in m for m in messages_of(response))


def test_it_refuses_to_order_a_service_that_is_not_orderable(org, users, client_for):
    desk = build(org, users)
    desk["laptop"].orderable = False
    desk["laptop"].save()
    client = client_for("employee")

    page = client.get(f"/desk/order/?service={desk['laptop'].pk}").content.decode()
    response = client.post("/desk/order/", {"service": desk["laptop"].pk, "quantity": "1"})

    assert "That service cannot be ordered" in page
    assert response.status_code == 400
    assert not Ticket.objects.filter(kind=Kind.REQUEST).exists()


def test_it_refuses_an_order_of_nothing(org, users, client_for):
    desk = build(org, users)

    response = client_for("employee").post(
        "/desk/order/", {"service": desk["laptop"].pk, "quantity": "0"}
    )

    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 0.01." in response.content.decode()
    assert not Ticket.objects.filter(kind=Kind.REQUEST).exists()


def test_the_coordinator_approves_an_order_from_the_portal(org, users, client_for):
    desk = build(org, users)
    ticket = order(desk, users)
    person = org["people"][2]
    person.user = users["coordinator"]
    person.save()
    client = client_for("coordinator")

    page = client.get("/desk/").content.decode()
    response = follow(
        client,
        f"/desk/tickets/{ticket.pk}/decide/",
        {"decision": "approve", "_version": ticket.version, "next": "/desk/"},
    )

    assert "My units’ orders" in page or "My units' orders" in page and ticket.number in page
    assert f"/desk/tickets/{ticket.pk}/decide/" in page
    assert response.redirect_chain[-1][0] == "/desk/"
    assert any("was approved" in m for m in messages_of(response))
    ticket.refresh_from_db()
    assert (ticket.approval, ticket.approved_by) == (Approval.APPROVED, users["coordinator"])


def test_the_coordinator_rejects_an_order_with_a_reason(org, users, client_for):
    desk = build(org, users)
    ticket = order(desk, users)

    follow(
        client_for("coordinator"),
        f"/desk/tickets/{ticket.pk}/decide/",
        {"decision": "reject", "reason": "Ingen budget", "_version": ticket.version},
    )

    ticket.refresh_from_db()
    assert (ticket.approval, ticket.status) == (Approval.REJECTED, Status.RESOLVED)
    page = client_for("employee").get(ticket.get_absolute_url()).content.decode()
    assert "Rejected" in page


def test_a_requester_cannot_approve_their_own_order(org, users, client_for):
    desk = build(org, users)
    ticket = order(desk, users)
    client = client_for("employee")

    page = client.get(ticket.get_absolute_url()).content.decode()
    response = follow(
        client,
        f"/desk/tickets/{ticket.pk}/decide/",
        {"decision": "approve", "_version": ticket.version},
    )

    assert "Approve the order" not in page
    assert any("Only the unit" in m for m in messages_of(response))
    ticket.refresh_from_db()
    assert ticket.approval == Approval.PENDING


def test_a_requester_sees_only_their_own_tickets(org, users, client_for):
    build(org, users)
    other = open_incident(org["people"][1], users, "Någon annans ärende")
    client = client_for("employee")

    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.post(f"/desk/tickets/{other.pk}/reply/", {"body": "Hej"}).status_code == 404


def test_a_requester_sees_public_replies_only_and_answers(org, users, client_for):
    desk = build(org, users)
    ticket = desk["incident"]
    services.reply(ticket, body="Har du startat om den?", actor=users["itstaff"])
    services.reply(ticket, body="Skrivaren är trasig igen", actor=users["itstaff"], public=False)
    services.change_status(ticket, Status.WAITING_REQUESTER, actor=users["itstaff"])
    client = client_for("employee")

    page = client.get(ticket.get_absolute_url()).content.decode()
    follow(client, f"/desk/tickets/{ticket.pk}/reply/", {"body": "Ja, två gånger."})

    assert "Har du startat om den?" in page
    assert "Skrivaren är trasig igen" not in page
    assert "Status: " not in page  # events are the desk's
    assert "Internal note" not in page and "SLA clocks" not in page
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS  # the requester's answer restarts the clock
    assert ticket.entries.filter(body="Ja, två gånger.", author=users["employee"]).exists()


def test_a_requester_cannot_write_an_internal_note(org, users, client_for):
    desk = build(org, users)
    ticket = desk["incident"]

    follow(
        client_for("employee"),
        f"/desk/tickets/{ticket.pk}/reply/",
        {"body": "Hemligt", "internal": "on"},
    )

    assert ticket.entries.get(body="Hemligt").kind == "reply"


def test_a_coordinator_sees_the_units_ticket_but_does_not_reply(org, users, client_for):
    desk = build(org, users)
    ticket = desk["incident"]
    client = client_for("coordinator")

    page = client.get(ticket.get_absolute_url())
    response = follow(client, f"/desk/tickets/{ticket.pk}/reply/", {"body": "Hej"})

    assert page.status_code == 200 and "Write a reply" not in page.content.decode()
    assert any("Only the requester and the desk" in m for m in messages_of(response))
    assert not ticket.entries.filter(body="Hej").exists()


def test_the_catalogue_links_an_orderable_service_to_its_order_form(org, users, client_for):
    desk = build(org, users)
    Service.objects.create(
        name="Tolkning",
        code="TOLK",
        category="workplace",
        billing_unit="hour",
        owner_unit=org["it_office"],
        orderable=False,
    )

    html = client_for("employee").get("/services/").content.decode()

    assert f"/desk/order/?service={desk['laptop'].pk}" in html
    assert html.count("/desk/order/?service=") == 1
