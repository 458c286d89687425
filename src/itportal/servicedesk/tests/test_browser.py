"""In a real browser: an employee orders a service from the portal, the unit's IT coordinator
approves it in their portal, an agent fulfils it from the ticket page and the subscription
starts; then the employee reports an incident, the agent answers and the employee reads the
answer. Every page visited gets an axe check."""

import re

import pytest
from playwright.sync_api import expect

from itportal.catalogue.models import Service, Subscription
from itportal.core.browser import axe_check
from itportal.servicedesk.choices import Approval, Kind, Status
from itportal.servicedesk.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def link(person, user):
    person.user = user
    person.save()
    return person


def submit(page, form="main form[method=post]"):
    with page.expect_navigation():
        page.locator(f"{form} [type=submit]").last.click()


def test_an_order_is_approved_and_fulfilled_and_an_incident_answered(page, log_in, org, users):
    laptop = Service.objects.create(
        name="Bärbar dator som tjänst",
        code="DST-BARBAR",
        category="workplace",
        billing_unit="device",
        owner_unit=org["it_office"],
        orderable=True,
        summary="En bärbar dator med support och byte vart fjärde år.",
    )
    link(org["people"][0], users["employee"])  # IT-kontoret, in the coordinator's administration
    link(org["people"][2], users["coordinator"])

    # The employee orders two laptops from the portal
    log_in(users["employee"])
    page.goto("/desk/")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Order a service").click()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Order Bärbar dator som tjänst").click()
    axe_check(page)
    page.get_by_label("Quantity").fill("2")
    page.get_by_label("Why is it needed?").fill("Två nya medarbetare i januari.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the order").click()
    ticket = Ticket.objects.get(kind=Kind.REQUEST)
    expect(page).to_have_url(re.compile(rf"/desk/tickets/{ticket.pk}/$"))
    expect(page.locator("main")).to_contain_text("Waiting for your unit's approval.")
    axe_check(page)

    # The IT coordinator approves it in their portal
    log_in(users["coordinator"])
    page.goto("/desk/")
    expect(page.locator("main")).to_contain_text(ticket.number)
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name=f"Approve {ticket.number}").click()
    expect(page.locator("[role=status]")).to_contain_text(f"{ticket.number} was approved.")
    axe_check(page)
    ticket.refresh_from_db()
    assert ticket.approval == Approval.APPROVED

    # An agent finds it in the queue and fulfils it from the ticket page
    log_in(users["itstaff"])
    page.goto("/desk/tickets/")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("link", name=ticket.number).click()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Fulfil the order").click()
    expect(page.locator("[role=status]")).to_contain_text("was delivered")
    axe_check(page)
    subscription = Subscription.objects.get(reference=ticket.number)
    assert (subscription.unit, subscription.service, subscription.quantity) == (
        org["it_office"],
        laptop,
        2,
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED

    # The employee reports an incident
    log_in(users["employee"])
    page.goto("/desk/")
    with page.expect_navigation():
        page.get_by_role("link", name="Report an incident").click()
    axe_check(page)
    page.get_by_label("What is wrong?").fill("Dockningsstationen tappar skärmen")
    page.get_by_label("Describe the problem").fill("Sedan uppdateringen i går.")
    page.get_by_label("Affected IT service").select_option(label="Bärbar dator som tjänst")
    page.get_by_label("How urgent is it for you?").select_option(label="Medium")
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    incident = Ticket.objects.get(kind=Kind.INCIDENT)
    expect(page.locator("[role=status]")).to_contain_text(incident.number)
    axe_check(page)

    # The agent answers
    log_in(users["itstaff"])
    page.goto(f"/desk/tickets/{incident.pk}/")
    page.get_by_label("Message").fill(
        "Installera om drivrutinen från Programcenter, så löser det sig."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("[role=status]")).to_contain_text("Your reply was sent.")
    axe_check(page)
    page.goto("/desk/dashboard/")
    axe_check(page)

    # The employee reads the answer
    log_in(users["employee"])
    page.goto("/desk/")
    with page.expect_navigation():
        page.get_by_role("link", name=incident.number).click()
    expect(page.locator("main")).to_contain_text("Installera om drivrutinen")
    axe_check(page)
