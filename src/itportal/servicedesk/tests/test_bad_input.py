"""Bad input to the desk gets a clear refusal, never a 500, and nothing is written."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.authtoken.models import Token

from itportal.servicedesk import services
from itportal.servicedesk.choices import Status
from itportal.servicedesk.tests.test_views import build, order


@pytest.mark.parametrize("month", ["9999-12", "1-1", "2026-13", "abc"])
def test_the_change_calendar_shows_this_month_for_a_month_it_cannot_show(client_for, month):
    response = client_for("employee").get(reverse("servicedesk:change_calendar"), {"month": month})

    assert response.status_code == 200


def test_a_ticket_is_not_assigned_to_someone_outside_the_desk(org, users, client_for):
    desk = build(org, users)
    ticket = desk["incident"]
    token = Token.objects.create(user=users["itstaff"])

    response = client_for("anonymous").patch(
        f"/api/tickets/{ticket.pk}/",
        {"version": ticket.version, "agent": users["controller"].pk},
        content_type="application/json",
        headers={"Authorization": f"Token {token.key}"},
    )

    ticket.refresh_from_db()
    assert response.status_code == 400
    assert "does not work the service desk" in response.content.decode()
    assert ticket.agent is None and ticket.status == Status.NEW


def test_an_order_resolved_without_delivery_is_not_delivered(org, users):
    desk = build(org, users)
    ticket = order(desk, users)
    services.decide_request(ticket, actor=users["coordinator"], approve=True)
    services.change_status(ticket, Status.RESOLVED, actor=users["itstaff"])

    with pytest.raises(ValidationError, match="reopen it before delivering"):
        services.fulfil_request(ticket, actor=users["itstaff"])

    ticket.refresh_from_db()
    assert ticket.subscription is None


def test_a_bulk_action_with_an_impossible_id_is_refused(org, users, client_for):
    build(org, users)

    response = client_for("itstaff").post(
        "/desk/tickets/bulk/",
        {"tickets": ["99999999999999999999"], "status": Status.IN_PROGRESS},
    )

    assert response.status_code == 302


def test_a_bulk_action_does_not_send_the_agent_to_another_site(org, users, client_for):
    desk = build(org, users)

    response = client_for("itstaff").post(
        "/desk/tickets/bulk/",
        {"tickets": [desk["incident"].pk], "status": Status.IN_PROGRESS, "next": "/\\evil.example"},
    )

    assert response["Location"] == reverse("servicedesk:ticket_list")
