"""An order from the catalogue: the employee orders, the unit's IT coordinator approves, IT
fulfils; the subscription starts and the next draft chargeback run bills it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from itportal.catalogue.models import Price, PriceList, Service, Subscription
from itportal.chargeback import services as chargeback
from itportal.chargeback.models import ChargebackLine
from itportal.servicedesk import services
from itportal.servicedesk.choices import Approval, Kind, Status
from itportal.servicedesk.models import StatusChange

D = datetime.date


@pytest.fixture
def laptop(org):
    service = Service.objects.create(
        name="Bärbar dator som tjänst",
        code="DST-BARBAR",
        category="workplace",
        billing_unit="device",
        owner_unit=org["it_office"],
        orderable=True,
    )
    price_list = PriceList.objects.create(year=2026)
    Price.objects.create(
        price_list=price_list, service=service, valid_from=D(2026, 1, 1), amount=600
    )
    return service


@pytest.fixture
def requester(org, users):
    person = org["people"][0]  # in IT-kontoret, below the coordinator's administration
    person.user = users["employee"]
    person.save()
    return person


def order(requester, laptop, users, quantity=2):
    return services.open_ticket(
        kind=Kind.REQUEST,
        requester=requester,
        title="Två bärbara datorer till nya medarbetare",
        service=laptop,
        quantity=Decimal(quantity),
        actor=users["employee"],
    )


def test_an_approved_fulfilled_order_is_billed_in_the_next_draft_run(org, users, laptop, requester):
    ticket = order(requester, laptop, users)
    year = timezone.localdate().year
    assert (ticket.number, ticket.approval) == (f"REQ-{year}-000001", Approval.PENDING)

    services.decide_request(ticket, actor=users["coordinator"], approve=True)
    services.fulfil_request(ticket, actor=users["itstaff"], start=D(2026, 11, 16))

    ticket.refresh_from_db()
    subscription = ticket.subscription
    assert (ticket.status, subscription.unit, subscription.quantity) == (
        Status.RESOLVED,
        org["it_office"],
        Decimal("2.00"),
    )
    assert (subscription.source, subscription.reference) == ("request", ticket.number)
    run = chargeback.compute_run(org["organisation"], "2026-11", actor=users["controller"])
    line = ChargebackLine.objects.get(run=run, service=laptop)
    # 2 × 600 × 15/30 (16–30 November)
    assert (line.unit_id, line.amount) == (org["it_office"].pk, Decimal("600.00"))


def test_only_the_units_coordinator_approves_and_never_the_requester(org, users, laptop, requester):
    ticket = order(requester, laptop, users)

    with pytest.raises(PermissionDenied):
        services.decide_request(ticket, actor=users["employee"], approve=True)
    with pytest.raises(PermissionDenied):
        services.decide_request(ticket, actor=users["itstaff"], approve=True)

    ticket.refresh_from_db()
    assert ticket.approval == Approval.PENDING


def test_an_order_is_not_fulfilled_before_approval_nor_twice(org, users, laptop, requester):
    ticket = order(requester, laptop, users)

    with pytest.raises(ValidationError, match="is not approved"):
        services.fulfil_request(ticket, actor=users["itstaff"])
    services.decide_request(ticket, actor=users["coordinator"], approve=True)
    services.fulfil_request(ticket, actor=users["itstaff"])
    with pytest.raises(ValidationError, match="already fulfilled"):
        services.fulfil_request(ticket, actor=users["itstaff"])

    assert Subscription.objects.filter(service=laptop).count() == 1


def test_a_rejected_order_is_resolved_without_a_subscription(org, users, laptop, requester):
    ticket = order(requester, laptop, users)

    services.decide_request(ticket, actor=users["coordinator"], approve=False, reason="Budget")

    ticket.refresh_from_db()
    assert (ticket.approval, ticket.status, ticket.subscription) == (
        Approval.REJECTED,
        Status.RESOLVED,
        None,
    )
    assert not Subscription.objects.filter(service=laptop).exists()


def test_a_service_that_is_not_orderable_cannot_be_ordered(org, users, laptop, requester):
    laptop.orderable = False
    laptop.save()

    with pytest.raises(ValidationError, match="cannot be ordered"):
        order(requester, laptop, users)


def test_it_refuses_to_close_an_unresolved_ticket_and_keeps_the_history(
    org, users, laptop, requester
):
    ticket = services.open_ticket(
        kind=Kind.INCIDENT,
        requester=requester,
        title="Skrivaren skriver inte",
        actor=users["employee"],
    )

    with pytest.raises(ValidationError, match="not resolved; resolve it before closing"):
        services.change_status(ticket, Status.CLOSED, actor=users["itstaff"])
    services.change_status(ticket, Status.IN_PROGRESS, actor=users["itstaff"])
    services.change_status(ticket, Status.RESOLVED, actor=users["itstaff"])
    services.change_status(ticket, Status.CLOSED, actor=users["itstaff"])

    assert list(StatusChange.objects.filter(ticket=ticket).values_list("status", flat=True)) == [
        "new",
        "in_progress",
        "resolved",
        "closed",
    ]
    assert ticket.number == f"INC-{timezone.localdate().year}-000001"
    with pytest.raises(ValidationError, match="is closed; open a new ticket"):
        services.change_status(ticket, Status.IN_PROGRESS, actor=users["itstaff"])


def test_the_requester_hears_of_the_ticket_the_answer_and_the_resolution(
    org, users, requester, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.open_ticket(
            kind=Kind.INCIDENT, requester=requester, title="VPN", actor=users["employee"]
        )
        services.reply(ticket, body="Starta om klienten.", actor=users["itstaff"])
        services.reply(
            ticket, body="Internt: kolla certifikatet", actor=users["itstaff"], public=False
        )
        services.change_status(ticket, Status.RESOLVED, actor=users["itstaff"])

    assert [m.subject for m in mailoutbox] == [f"[{ticket.number}] VPN"] * 3
    assert all(m.to == [f"{requester} <{requester.email}>"] for m in mailoutbox)
    assert "Starta om klienten." in mailoutbox[1].body
    assert "certifikatet" not in "".join(m.body for m in mailoutbox)  # notes stay internal
    assert mailoutbox[0].extra_headers["Auto-Submitted"] == "auto-generated"
