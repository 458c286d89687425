"""The agents' pages: the queue (filters, query counts, bulk actions), the ticket page (status,
assignment, notes, attachments, problems and known errors, fulfilment) and the dashboard."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itportal.catalogue.models import Service, Subscription
from itportal.core.models import ObjectChange
from itportal.servicedesk import services
from itportal.servicedesk.choices import Approval, EntryKind, Kind, Level, Status
from itportal.servicedesk.models import AssignmentGroup, Attachment, Ticket, TicketEntry

pytestmark = pytest.mark.django_db


def build(org, users):
    """A desk: an orderable laptop service, the employee as a person of the IT office, a
    group with the IT staff agent, and an incident."""
    laptop = Service.objects.create(
        name="Bärbar dator som tjänst",
        code="DST-BARBAR",
        category="workplace",
        billing_unit="device",
        owner_unit=org["it_office"],
        orderable=True,
    )
    person = org["people"][0]
    person.user = users["employee"]
    person.save()
    group = AssignmentGroup.objects.create(name="Servicedesken")
    group.members.add(users["itstaff"])
    incident = open_incident(person, users, "Skrivaren skriver inte", service=laptop)
    return {"laptop": laptop, "person": person, "group": group, "incident": incident}


def open_incident(person, users, title, **extra):
    return services.open_ticket(
        kind=Kind.INCIDENT, requester=person, title=title, actor=users["employee"], **extra
    )


def order(desk, users, quantity=2):
    return services.open_ticket(
        kind=Kind.REQUEST,
        requester=desk["person"],
        title="Två datorer",
        service=desk["laptop"],
        quantity=Decimal(quantity),
        actor=users["employee"],
    )


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def follow(client, url, data, **extra):
    return client.post(url, data, follow=True, **extra)


# --- The queue -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    ["", "?agent=mine", "?status=all&kind=incident&q=skrivaren", "?breached=false&priority=5"],
)
def test_it_renders_the_queue_with_a_constant_number_of_queries(org, users, client_for, query):
    desk = build(org, users)
    services.assign(desk["incident"], group=desk["group"], agent=users["itstaff"], actor="test")
    client = client_for("itstaff")
    url = "/desk/tickets/" + query
    before = count_queries(client, url)
    for n in range(12):
        ticket = open_incident(desk["person"], users, f"Skrivaren {n}", service=desk["laptop"])
        services.assign(ticket, group=desk["group"], agent=users["itstaff"], actor="test")

    assert count_queries(client, url) == before


def test_it_shows_open_tickets_by_default_and_mine_on_request(org, users, client_for):
    desk = build(org, users)
    mine = open_incident(desk["person"], users, "Min skärm är svart")
    services.assign(mine, group=desk["group"], agent=users["itstaff"], actor="test")
    done = open_incident(desk["person"], users, "Löst sedan länge")
    services.change_status(done, Status.RESOLVED, actor="test")
    client = client_for("itstaff")

    default = client.get("/desk/tickets/").content.decode()
    all_tickets = client.get("/desk/tickets/?status=all").content.decode()
    assigned = client.get("/desk/tickets/?agent=mine").content.decode()

    assert mine.number in default and desk["incident"].number in default
    assert done.number not in default and done.number in all_tickets
    assert mine.number in assigned and desk["incident"].number not in assigned


def test_it_exports_the_queue_without_the_select_column(org, users, client_for):
    desk = build(org, users)

    response = client_for("itstaff").get("/desk/tickets/?export=csv")

    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Number,Title")
    assert desk["incident"].number in text


@pytest.mark.parametrize("role", ["employee", "coordinator", "controller"])
def test_it_keeps_the_queue_and_the_dashboard_for_agents(org, users, client_for, role):
    build(org, users)
    client = client_for(role)

    assert client.get("/desk/tickets/").status_code == 403
    assert client.get("/desk/dashboard/").status_code == 403


def test_it_assigns_and_moves_selected_tickets_in_bulk(org, users, client_for):
    desk = build(org, users)
    other = open_incident(desk["person"], users, "Ingen ljud")
    tickets = [desk["incident"], other]

    response = follow(
        client_for("itstaff"),
        "/desk/tickets/bulk/",
        {
            "tickets": [t.pk for t in tickets],
            "assign": "on",
            "group": desk["group"].pk,
            "agent": users["itstaff"].pk,
            "status": Status.IN_PROGRESS,
            "next": "/desk/tickets/",
        },
    )

    assert any("2 tickets were changed" in m for m in messages_of(response))
    for ticket in tickets:
        ticket.refresh_from_db()
        assert (ticket.group, ticket.agent, ticket.status) == (
            desk["group"],
            users["itstaff"],
            Status.IN_PROGRESS,
        )


def test_it_changes_no_ticket_when_one_of_a_bulk_action_is_refused(org, users, client_for):
    desk = build(org, users)
    resolved = open_incident(desk["person"], users, "Redan löst")
    services.change_status(resolved, Status.RESOLVED, actor="test")
    unresolved = desk["incident"]
    entries_before = TicketEntry.objects.count()

    response = follow(
        client_for("itstaff"),
        "/desk/tickets/bulk/",
        {"tickets": [resolved.pk, unresolved.pk], "status": Status.CLOSED},
    )

    shown = messages_of(response)
    assert any("Nothing was changed" in m for m in shown)
    assert any(unresolved.number in m and "not resolved" in m for m in shown)
    assert not any(resolved.number in m and "not resolved" in m for m in shown)
    resolved.refresh_from_db()
    unresolved.refresh_from_db()
    assert (resolved.status, unresolved.status) == (Status.RESOLVED, Status.NEW)
    assert TicketEntry.objects.count() == entries_before


def test_it_asks_to_select_tickets_for_a_bulk_action(org, users, client_for):
    build(org, users)

    response = follow(client_for("itstaff"), "/desk/tickets/bulk/", {"status": Status.CLOSED})

    assert "Select at least one ticket." in messages_of(response)


# --- The ticket page -------------------------------------------------------------------------
def test_it_renders_the_ticket_page_with_a_constant_number_of_queries(org, users, client_for):
    desk = build(org, users)
    ticket = desk["incident"]
    services.assign(ticket, group=desk["group"], agent=users["itstaff"], actor="test")
    services.reply(ticket, body="Första svaret", actor=users["itstaff"])
    url = f"/desk/tickets/{ticket.pk}/"
    client, requester = client_for("itstaff"), client_for("employee")
    before = (count_queries(client, url), count_queries(requester, url))
    for n in range(8):
        services.reply(ticket, body=f"Svar {n}", actor=users["itstaff"])
        services.reply(ticket, body=f"Anteckning {n}", actor=users["itstaff"], public=False)
        services.assign(
            ticket, group=desk["group"], agent=users["itstaff"] if n % 2 else None, actor="t"
        )

    assert (count_queries(client, url), count_queries(requester, url)) == before


def test_it_shows_the_agent_clocks_history_and_the_allowed_status_buttons(org, users, client_for):
    desk = build(org, users)
    ticket = desk["incident"]
    services.reply(ticket, body="Intern koll", actor=users["itstaff"], public=False)

    response = client_for("itstaff").get(f"/desk/tickets/{ticket.pk}/")

    html = response.content.decode()
    assert "SLA clocks" in html and "History" in html and "Intern koll" in html
    buttons = [value for value, _label in response.context["transitions"]]
    assert Status.CLOSED not in buttons and Status.RESOLVED in buttons


def test_it_refuses_to_close_an_unresolved_ticket_from_its_page(org, users, client_for):
    desk = build(org, users)
    ticket = desk["incident"]

    response = follow(
        client_for("itstaff"),
        f"/desk/tickets/{ticket.pk}/status/",
        {"status": Status.CLOSED, "_version": ticket.version},
    )

    assert any("not resolved; resolve it before closing" in m for m in messages_of(response))
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_it_moves_a_ticket_through_its_statuses_from_its_page(org, users, client_for):
    desk = build(org, users)
    ticket = desk["incident"]
    client = client_for("itstaff")

    for status in (Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED):
        ticket.refresh_from_db()
        follow(
            client,
            f"/desk/tickets/{ticket.pk}/status/",
            {"status": status, "_version": ticket.version},
        )

    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.closed_at is not None


def test_it_refuses_a_stale_status_change(org, users, client_for):
    desk = build(org, users)
    ticket = desk["incident"]
    seen = ticket.version
    services.assign(ticket, group=desk["group"], agent=None, actor="someone else")

    response = follow(
        client_for("itstaff"),
        f"/desk/tickets/{ticket.pk}/status/",
        {"status": Status.IN_PROGRESS, "_version": seen},
    )

    assert any("changed by someone else" in m for m in messages_of(response))


def test_it_assigns_only_members_of_the_group(org, users, client_for):
    desk = build(org, users)
    ticket = desk["incident"]

    response = client_for("itstaff").post(
        f"/desk/tickets/{ticket.pk}/assign/",
        {"group": desk["group"].pk, "agent": users["admin"].pk, "_version": ticket.version},
    )

    assert response.status_code == 400
    assert "is not in Servicedesken" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.agent is None


def test_it_keeps_an_internal_note_from_the_requester(org, users, client_for):
    desk = build(org, users)
    ticket = desk["incident"]
    agent = client_for("itstaff")
    follow(
        agent, f"/desk/tickets/{ticket.pk}/reply/", {"body": "Ring leverantören", "internal": "on"}
    )
    follow(agent, f"/desk/tickets/{ticket.pk}/reply/", {"body": "Vi tittar på det"})

    page = client_for("employee").get(f"/desk/tickets/{ticket.pk}/").content.decode()

    assert "Vi tittar på det" in page and "Ring leverantören" not in page
    kinds = set(TicketEntry.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert {EntryKind.REPLY, EntryKind.NOTE} <= kinds


# --- Attachments -----------------------------------------------------------------------------
def stored_files():
    root = Path(settings.MEDIA_ROOT) / "tickets"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def attach(client, ticket, name, content):
    return client.post(
        f"/desk/tickets/{ticket.pk}/attach/", {"file": SimpleUploadedFile(name, content)}
    )


def test_it_stores_an_attachment_and_serves_it_to_the_requester(org, users, client_for, media):
    desk = build(org, users)
    ticket = desk["incident"]

    response = attach(
        client_for("itstaff"), ticket, "skärmbild.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get(ticket=ticket)
    assert (attachment.name, attachment.content_type, attachment.size) == (
        "skärmbild.png",
        "image/png",
        58,
    )
    download = client_for("employee").get(f"/desk/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    assert client_for("controller").get(f"/desk/attachments/{attachment.pk}/").status_code == 404


def test_it_refuses_an_attachment_over_the_limit_and_keeps_nothing(
    org, users, client_for, media, settings
):
    settings.SERVICEDESK_ATTACHMENT_MAX_BYTES = 1024
    desk = build(org, users)

    response = attach(client_for("itstaff"), desk["incident"], "logg.txt", b"x" * 2000)

    assert response.status_code == 400
    assert (
        "logg.txt is 2.0\xa0KB; attachments may be at most 1.0\xa0KB." in response.content.decode()
    )
    assert not Attachment.objects.exists() and stored_files() == []


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("program.exe", b"MZ\x90\x00", "program.exe is not a file type the desk accepts"),
        ("faktura.pdf", b"MZ\x90\x00", "faktura.pdf does not contain what its name says (.pdf)"),
    ],
)
def test_it_refuses_an_attachment_of_a_forbidden_type(
    org, users, client_for, media, name, content, message
):
    desk = build(org, users)

    response = attach(client_for("employee"), desk["incident"], name, content)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attachment.objects.exists() and stored_files() == []


# --- Problems, known errors and orders -------------------------------------------------------
def test_it_shows_the_workaround_of_a_known_error_on_a_matching_incident(org, users, client_for):
    desk = build(org, users)
    problem = services.open_ticket(
        kind=Kind.PROBLEM,
        requester=desk["person"],
        title="Dockningsstationer tappar nätverket",
        service=desk["laptop"],
        actor=users["itstaff"],
    )
    client = client_for("itstaff")

    refused = client.post(
        f"/desk/tickets/{problem.pk}/problem/",
        {
            "root_cause": "Drivrutin",
            "workaround": "",
            "known_error": "on",
            "_version": problem.version,
        },
    )
    follow(
        client,
        f"/desk/tickets/{problem.pk}/problem/",
        {
            "root_cause": "Drivrutin 1.2",
            "workaround": "Dra ur och sätt i USB-C-kabeln.",
            "known_error": "on",
            "_version": problem.version,
        },
    )
    incident = desk["incident"]
    follow(
        client,
        f"/desk/tickets/{incident.pk}/problem/",
        {"problem": problem.pk, "_version": incident.version},
    )
    other = open_incident(desk["person"], users, "Nätverket försvinner", service=desk["laptop"])

    assert refused.status_code == 400
    assert "A known error needs a workaround" in refused.content.decode()
    incident.refresh_from_db()
    assert incident.problem == problem
    assert (
        "Dra ur och sätt i USB-C-kabeln." in client.get(other.get_absolute_url()).content.decode()
    )
    requester_page = client_for("employee").get(other.get_absolute_url()).content.decode()
    assert "Dra ur och sätt i" not in requester_page
    problem_page = client.get(problem.get_absolute_url()).content.decode()
    assert incident.number in problem_page


def test_it_fulfils_an_approved_order_from_the_ticket_page(org, users, client_for):
    desk = build(org, users)
    ticket = order(desk, users)
    client = client_for("itstaff")
    assert "Fulfil the order" not in client.get(ticket.get_absolute_url()).content.decode()
    services.decide_request(ticket, actor=users["coordinator"], approve=True)
    ticket.refresh_from_db()

    page = client.get(ticket.get_absolute_url()).content.decode()
    response = follow(client, f"/desk/tickets/{ticket.pk}/fulfil/", {"_version": ticket.version})

    assert "Fulfil the order" in page
    assert any("was delivered" in m for m in messages_of(response))
    subscription = Subscription.objects.get(service=desk["laptop"])
    assert (subscription.unit, subscription.quantity, subscription.reference) == (
        org["it_office"],
        Decimal("2.00"),
        ticket.number,
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.approval) == (Status.RESOLVED, Approval.APPROVED)


def test_it_writes_the_audit_log_of_page_actions(org, users, client_for):
    desk = build(org, users)
    ticket = desk["incident"]

    follow(
        client_for("itstaff"),
        f"/desk/tickets/{ticket.pk}/assign/",
        {"group": desk["group"].pk, "agent": users["itstaff"].pk, "_version": ticket.version},
    )

    changes = ObjectChange.objects.filter(object_id=str(ticket.pk), user=users["itstaff"])
    assert any(change.after.get("agent") == users["itstaff"].pk for change in changes)


# --- The dashboard ---------------------------------------------------------------------------
def test_it_counts_open_tickets_by_priority_age_and_group_in_a_few_queries(org, users, client_for):
    desk = build(org, users)
    urgent = services.open_ticket(
        kind=Kind.INCIDENT,
        requester=desk["person"],
        title="Allt ligger nere",
        impact=Level.HIGH,
        urgency=Level.HIGH,
        actor=users["itstaff"],
    )
    services.assign(urgent, group=desk["group"], agent=None, actor="test")
    old = open_incident(desk["person"], users, "Gammalt ärende")
    Ticket.objects.filter(pk=old.pk).update(
        opened_at=old.opened_at - datetime.timedelta(days=40), resolution_breached=True
    )
    client = client_for("itstaff")
    count_queries(client, "/desk/dashboard/")

    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/desk/dashboard/")

    assert len(ctx.captured_queries) <= 10
    totals = response.context["totals"]
    assert (totals["total"], totals["breached"]) == (3, 1)
    by_priority = {row["value"]: row["count"] for row in response.context["priorities"]}
    assert by_priority[1] == 1
    ages = {row["label"]: row["count"] for row in response.context["ages"]}
    assert (ages["0–1"], ages["30+"]) == (2, 1)
    groups = {row["group__name"]: row["count"] for row in response.context["groups"]}
    assert groups == {"Servicedesken": 1, None: 2}
