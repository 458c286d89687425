"""Permission-table rows of tickets, the portal, the queue and the ticket API; merged in
access_table.py.

Outcomes per role: anonymous, employee, controller, itstaff, coordinator, admin. The ticket of
`objects` is raised by a person of the IT office (inside the coordinator's administration) who
has no login: the employee and the controller do not see it (404), the coordinator does.
"""

from itportal.core.tests.access_outcomes import API_DENIED, API_READ, LOGIN, PAGE_READ

AGENTS = (LOGIN, 403, 403, 200, 403, 200)  # the queue, the dashboard, incoming e-mail
AGENTS_POST = (LOGIN, 403, 403, 405, 403, 405)  # bulk actions (a GET gets 405)
TICKET = (LOGIN, 404, 404, 200, 200, 200)  # requester, unit roles, agents
TICKET_POST = (LOGIN, 405, 405, 405, 405, 405)  # the service decides who may (a GET: 405)
API_TICKET = (API_DENIED, 404, 404, 200, 200, 200)
API_TICKET_POST = (API_DENIED, 405, 405, 405, 405, 405)
# A filter another agent shares with the desk: its owner and IT administrators change it
OTHERS_FILTER = (LOGIN, 403, 403, 404, 403, 200)
API_AGENTS = (API_DENIED, 403, 403, 200, 403, 200)

ROWS = {
    # The self-service portal: any login (without a person: a page saying whom to ask)
    "servicedesk:portal": PAGE_READ,
    "servicedesk:incident_new": PAGE_READ,
    "servicedesk:order": PAGE_READ,
    # Agents
    "servicedesk:ticket_list": AGENTS,
    "servicedesk:ticket_bulk": AGENTS_POST,
    "servicedesk:savedfilter_add": AGENTS,
    "servicedesk:savedfilter_edit": OTHERS_FILTER,
    "servicedesk:savedfilter_delete": OTHERS_FILTER,
    "servicedesk:dashboard": AGENTS,
    "servicedesk:sla_report": AGENTS,
    "servicedesk:intake_list": AGENTS,
    # One ticket
    "servicedesk:ticket_detail": TICKET,
    "servicedesk:ticket_reply": TICKET_POST,
    "servicedesk:ticket_status": TICKET_POST,
    "servicedesk:ticket_assign": TICKET_POST,
    "servicedesk:ticket_attach": TICKET_POST,
    "servicedesk:ticket_problem": TICKET_POST,
    "servicedesk:ticket_fulfil": TICKET_POST,
    "servicedesk:ticket_decide": TICKET_POST,
    "servicedesk:attachment_download": TICKET,
    # API
    "ticket-list": API_READ,
    "ticket-detail": API_TICKET,
    "ticket-entries": API_TICKET,
    "ticket-reply": API_TICKET_POST,
    "ticket-approve": API_TICKET_POST,
    "ticket-reject": API_TICKET_POST,
    "ticket-fulfil": API_TICKET_POST,
    "savedfilter-list": API_AGENTS,
    "savedfilter-detail": API_AGENTS,  # shared with the desk: every agent reads it
}


def objects(org):
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile

    from itportal.servicedesk import saved_filters, services, services_more
    from itportal.servicedesk.choices import Kind
    from itportal.servicedesk.models import Attachment, IntakeMessage, SavedFilter, Ticket

    ticket = services.open_ticket(
        kind=Kind.INCIDENT,
        requester=org["people"][0],
        title="Åtkomsttestets ärende",
        actor="test",
    )
    attachment = services_more.add_attachment(
        ticket,
        upload=SimpleUploadedFile("logg.txt", b"fel 42\n", content_type="text/plain"),
        actor="test",
    )
    intake = IntakeMessage.objects.create(
        sender="okand@example.test", subject="Hjälp", raw=b"", outcome="failed", error="Test"
    )
    shared = saved_filters.create_filter(
        SavedFilter(
            owner=User.objects.create_user("access-filter-owner"),
            name="Skrivare",
            querystring="q=skrivare",
            visibility="desk",
        ),
        actor="test",
    )
    return {Ticket: ticket, Attachment: attachment, IntakeMessage: intake, SavedFilter: shared}
