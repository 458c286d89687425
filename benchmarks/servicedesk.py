"""The service desk scenarios (issue 5): the queue, a ticket, the SLA recomputation, a change's
impact analysis and the SLA report for a year.

Measured on the demo's service desk (servicedesk/demo/); skipped, with the reason, on a
database without tickets (e.g. the runner's own test).

- desk-queue: the agents' queue filtered on open tickets of priority 2 (high), first page.
- desk-queue-by-due: every open ticket sorted by the resolution due time (the agents' "what
  breaches next"), first page.
- desk-ticket-detail: the ticket with the most entries, as an agent sees it (entries, status
  history for the clocks, known errors, articles, the open problems to link, history).
- desk-sla-recompute-open: `sla_bulk.recompute_open()`, the breach task's work, over every open
  ticket; rolled back. Its floor is reading what it needs (the open tickets, their status
  changes, the SLAs); the clock arithmetic in Python is the rest.
- desk-sla-recompute-all: the same over every ticket (`manage.py check_sla --all`, after an SLA
  or a calendar changed); rolled back; timed three times, not fifteen.
- desk-change-impact: the page of the demo's change on the five most-connected systems: the
  transitive impact over the integration graph, the units and people to inform (the first 50
  rows of each table), approvals and conflicts; desk-change-impact-all lists all of them.
- desk-sla-report: the SLA achievement report per service for this year.
"""

from benchmarks.scenarios import (
    EXTRA_ROW_COUNTS,
    HISTORY,
    REACH,
    Scenario,
    _parameter_marks,
    _url,
)
from benchmarks.scenarios import IMPACT_ROLES as REGISTRY_IMPACT_ROLES
from benchmarks.scenarios import IMPACT_UNITS as REGISTRY_IMPACT_UNITS

for _row in (
    ("tickets", "servicedesk.Ticket"),
    ("ticket entries", "servicedesk.TicketEntry"),
    ("status changes", "servicedesk.StatusChange"),
    ("changes", "servicedesk.Change"),
):
    if _row not in EXTRA_ROW_COUNTS:
        EXTRA_ROW_COUNTS.append(_row)

OPEN = ("new", "assigned", "in_progress", "waiting_requester", "waiting_third_party")
OPEN_IN = ", ".join(f"'{status}'" for status in OPEN)
RECOMPUTE_ALL_REPEAT = 3


def _needs_tickets():
    from itportal.servicedesk.models import Ticket

    if not Ticket.objects.filter(status__in=OPEN).exists():
        return "the database holds no open tickets (no service desk demo data)"
    return ""


def _needs_change():
    reason = _needs_tickets()
    if reason:
        return reason
    if change_on_hubs() is None:
        return "the database holds no change naming the five most-connected systems"
    return ""


# --- Targets ---------------------------------------------------------------------------------
def busiest_ticket():
    """The ticket with the most entries (ties: lowest id), with what its page looks up."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from itportal.servicedesk.models import Ticket, TicketEntry

    found = (
        TicketEntry.objects.values("ticket_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "ticket_id")
        .first()
    )
    ticket = Ticket.objects.get(pk=found["ticket_id"])
    content_type = ContentType.objects.get_for_model(Ticket, for_concrete_model=False)
    return {
        "pk": ticket.pk,
        "service": ticket.service_id or 0,
        "system": ticket.system_id or 0,
        "problem": ticket.problem_id or 0,
        "content_type": content_type.pk,
    }


def five_hubs():
    """The five systems with the most integrations, in and out (ties: lowest id)."""
    from collections import Counter

    from itportal.registry.models import Integration

    degree = Counter()
    for source, target in Integration.objects.order_by().values_list("source_id", "target_id"):
        degree[source] += 1
        degree[target] += 1
    return sorted(sorted(degree, key=lambda k: (-degree[k], k))[:5])


def change_on_hubs():
    """The change naming the five most-connected systems (the one with the fewest other
    systems, then the lowest id), or None."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count, Q

    from itportal.servicedesk.models import Change

    hubs = five_hubs()
    if len(hubs) < 5:
        return None
    change = (
        Change.objects.annotate(
            hubs=Count("systems", filter=Q(systems__in=hubs), distinct=True),
            named=Count("systems", distinct=True),
        )
        .filter(hubs=5)
        .order_by("named", "pk")
        .first()
    )
    if change is None:
        return None
    content_type = ContentType.objects.get_for_model(Change, for_concrete_model=False)
    return {
        "pk": change.pk,
        "systems": sorted(change.systems.values_list("pk", flat=True)),
        "start": change.planned_start,
        "end": change.planned_end,
        "content_type": content_type.pk,
    }


def this_year():
    from django.utils import timezone

    return timezone.localdate().year


# --- The queue -------------------------------------------------------------------------------
QUEUE_COUNT = f"SELECT COUNT(*) FROM servicedesk_ticket t WHERE t.status IN ({OPEN_IN}) {{where}}"
QUEUE_ROWS = f"""
SELECT t.id, t.number, t.title, t.kind, t.status, t.priority, t.resolution_due,
       t.response_breached, t.resolution_breached, p.first_name, p.last_name, g.name,
       a.username, a.first_name, a.last_name
FROM servicedesk_ticket t
JOIN organisation_person p ON p.id = t.requester_id
LEFT JOIN servicedesk_assignmentgroup g ON g.id = t.group_id
LEFT JOIN auth_user a ON a.id = t.agent_id
WHERE t.status IN ({OPEN_IN}) {{where}}
ORDER BY {{order}}
LIMIT 50
"""


def _queue_sql(where, order):
    return [QUEUE_COUNT.format(where=where), QUEUE_ROWS.format(where=where, order=order)]


# --- A ticket --------------------------------------------------------------------------------
TICKET = """
SELECT t.*, p.first_name, p.last_name, p.email, p.user_id, u.name, s.name, s.orderable, y.name,
       g.name, a.username, a.first_name, a.last_name
FROM servicedesk_ticket t
JOIN organisation_person p ON p.id = t.requester_id
JOIN organisation_orgunit u ON u.id = t.unit_id
LEFT JOIN catalogue_service s ON s.id = t.service_id
LEFT JOIN registry_system y ON y.id = t.system_id
LEFT JOIN servicedesk_assignmentgroup g ON g.id = t.group_id
LEFT JOIN auth_user a ON a.id = t.agent_id
WHERE t.id = %s
"""
TICKET_ENTRIES = """
SELECT e.id, e.kind, e.body, e.channel, e.created, e.author_email, a.username, a.first_name,
       a.last_name
FROM servicedesk_ticketentry e
LEFT JOIN auth_user a ON a.id = e.author_id
WHERE e.ticket_id = %s
ORDER BY e.created, e.id
"""
TICKET_ATTACHMENTS = (
    "SELECT id, name, content_type, size FROM servicedesk_attachment WHERE ticket_id = %s "
    "ORDER BY created"
)
TICKET_STATUSES = (
    "SELECT status, at FROM servicedesk_statuschange WHERE ticket_id = %s ORDER BY at, id"
)
TICKET_SLA = """
SELECT l.id, l.response_minutes, l.resolution_minutes, c.id, c.time_zone, c.public_holidays,
       c.closed_eves
FROM servicedesk_ticket t
JOIN servicedesk_sla l ON l.id = t.sla_id
JOIN servicedesk_calendar c ON c.id = l.calendar_id
WHERE t.id = %s
"""
TICKET_CALENDAR_HOURS = """
SELECT h.weekday, h.opens, h.closes FROM servicedesk_openinghours h
JOIN servicedesk_sla l ON l.calendar_id = h.calendar_id
JOIN servicedesk_ticket t ON t.sla_id = l.id
WHERE t.id = %s
"""
TICKET_CALENDAR_EXCEPTIONS = """
SELECT x.date, x.opens, x.closes, x.note FROM servicedesk_calendarexception x
JOIN servicedesk_sla l ON l.calendar_id = x.calendar_id
JOIN servicedesk_ticket t ON t.sla_id = l.id
WHERE t.id = %s
"""
TICKET_KNOWN_ERRORS = """
SELECT id, number, title, workaround FROM servicedesk_ticket
WHERE kind = 'problem' AND known_error AND status <> 'closed' AND id <> %s
  AND (service_id = %s OR system_id = %s)
ORDER BY opened_at DESC
LIMIT 5
"""
TICKET_ARTICLES = """
SELECT DISTINCT a.id, a.title, a.helpful
FROM servicedesk_article a
LEFT JOIN servicedesk_article_services s ON s.article_id = a.id
LEFT JOIN servicedesk_article_systems y ON y.article_id = a.id
WHERE a.published AND (s.service_id = %s OR y.system_id = %s)
ORDER BY a.helpful DESC, a.title
LIMIT 5
"""
OPEN_PROBLEMS = """
SELECT id, number, title FROM servicedesk_ticket
WHERE kind = 'problem' AND status <> 'closed'
ORDER BY opened_at DESC
"""


def _ticket_sql(picks):
    ticket = picks(busiest_ticket)
    pk = ticket["pk"]
    return [
        (TICKET, [pk]),
        (TICKET_ENTRIES, [pk]),
        (TICKET_ATTACHMENTS, [pk]),
        (TICKET_STATUSES, [pk]),
        (TICKET_SLA, [pk]),
        (TICKET_CALENDAR_HOURS, [pk]),
        (TICKET_CALENDAR_EXCEPTIONS, [pk]),
        (TICKET_KNOWN_ERRORS, [ticket["problem"], ticket["service"], ticket["system"]]),
        (TICKET_ARTICLES, [ticket["service"], ticket["system"]]),
        OPEN_PROBLEMS,
        (HISTORY, [ticket["content_type"], str(pk)]),
    ]


# --- SLA recomputation -----------------------------------------------------------------------
RECOMPUTE_TICKETS = """
SELECT id, service_id, priority, status, opened_at, responded_at, resolved_at, sla_id,
       response_due, resolution_due, response_breached, resolution_breached, warned_at
FROM servicedesk_ticket {where}
"""
RECOMPUTE_STATUSES = """
SELECT c.ticket_id, c.status, c.at FROM servicedesk_statuschange c
{join}
ORDER BY c.ticket_id, c.at, c.id
"""
RECOMPUTE_SLAS = """
SELECT l.id, l.service_id, l.priority, l.response_minutes, l.resolution_minutes, c.time_zone,
       c.public_holidays, c.closed_eves
FROM servicedesk_sla l JOIN servicedesk_calendar c ON c.id = l.calendar_id
"""
RECOMPUTE_HOURS = "SELECT calendar_id, weekday, opens, closes FROM servicedesk_openinghours"
RECOMPUTE_EXCEPTIONS = "SELECT calendar_id, date, opens, closes FROM servicedesk_calendarexception"


def _recompute_sql(every):
    where = "" if every else f"WHERE status IN ({OPEN_IN})"
    join = (
        ""
        if every
        else f"JOIN servicedesk_ticket t ON t.id = c.ticket_id AND t.status IN ({OPEN_IN})"
    )
    return [
        RECOMPUTE_TICKETS.format(where=where),
        RECOMPUTE_STATUSES.format(join=join),
        RECOMPUTE_SLAS,
        RECOMPUTE_HOURS,
        RECOMPUTE_EXCEPTIONS,
    ]


_last = {}


def _recompute(every):
    def action(picks):
        def work():
            from django.db import transaction

            from itportal.servicedesk.sla_bulk import recompute_open

            with transaction.atomic():
                result = recompute_open(every=every)
                transaction.set_rollback(True)
            _last[every] = result
            return result

        return work

    return action


def _recompute_summary(every):
    def verify(picks):
        result = _last.get(every)
        if result is None or result.checked == 0:
            from benchmarks.run import BenchmarkError

            raise BenchmarkError("the recomputation checked no ticket")
        return (
            f"{result.checked:,} tickets' clocks recomputed ({result.changed:,} changed since "
            f"the demo was built; {len(result.warnings):,} would be warned, "
            f"{len(result.breaches):,} newly breached); rolled back."
        )

    return verify


# --- A change's impact -----------------------------------------------------------------------
REACH_MANY = """
WITH RECURSIVE reach(id) AS (
    SELECT id FROM registry_system WHERE id IN ({ids})
    UNION
    SELECT i.target_id FROM registry_integration i JOIN reach r ON i.source_id = r.id
    WHERE i.status = 'active'
)
"""
CHANGE = """
SELECT c.*, p.first_name, p.last_name FROM servicedesk_change c
LEFT JOIN organisation_person p ON p.id = c.requested_by_id
WHERE c.id = %s
"""
CHANGE_SYSTEMS = """
SELECT s.id, s.name FROM registry_system s
JOIN servicedesk_change_systems cs ON cs.system_id = s.id
WHERE cs.change_id = %s ORDER BY s.name
"""
CHANGE_APPROVALS = """
SELECT a.id, a.reason, a.decision, a.decided_at, u.username, p.first_name, p.last_name, b.name
FROM servicedesk_changeapproval a
LEFT JOIN auth_user u ON u.id = a.approver_id
LEFT JOIN organisation_person p ON p.id = a.person_id
LEFT JOIN servicedesk_assignmentgroup b ON b.id = a.board_id
WHERE a.change_id = %s
"""
IMPACT_SYSTEMS = "SELECT s.id, s.name FROM registry_system s JOIN reach ON reach.id = s.id"
# The register's impact reads, from the reached set of several systems instead of one.
IMPACT_UNITS = REGISTRY_IMPACT_UNITS.removeprefix(REACH)
IMPACT_ROLES = REGISTRY_IMPACT_ROLES.removeprefix(REACH)
CHANGE_OVERLAPPING = """
SELECT c.id, c.number, c.title, cs.system_id
FROM servicedesk_change c
JOIN servicedesk_change_systems cs ON cs.change_id = c.id
WHERE c.id <> %s AND c.status NOT IN ('cancelled', 'rejected')
  AND c.planned_start < %s AND c.planned_end > %s
"""
CHANGE_BLACKOUTS = """
SELECT b.id, b.name, bs.system_id
FROM servicedesk_blackout b
LEFT JOIN servicedesk_blackout_systems bs ON bs.blackout_id = b.id
WHERE b.start < %s AND b."end" > %s
"""


def _change_sql(picks):
    from django.utils import timezone

    change = picks(change_on_hubs)
    pk, today = change["pk"], timezone.localdate().isoformat()
    reach = REACH_MANY.format(ids=_parameter_marks(change["systems"]))
    ids = change["systems"]
    start, end = change["start"], change["end"]
    return [
        (CHANGE, [pk]),
        (CHANGE_SYSTEMS, [pk]),
        (reach + IMPACT_SYSTEMS, ids),
        (reach + IMPACT_UNITS, ids),
        (reach + IMPACT_ROLES, [*ids, today, today]),
        (CHANGE_APPROVALS, [pk]),
        (CHANGE_OVERLAPPING, [pk, end, start]),
        (CHANGE_BLACKOUTS, [end, start]),
        (HISTORY, [change["content_type"], str(pk)]),
    ]


# --- The SLA report --------------------------------------------------------------------------
REPORT = """
SELECT t.service_id, s.name, COUNT(*),
       SUM(CASE WHEN t.responded_at IS NOT NULL AND NOT t.response_breached THEN 1 ELSE 0 END),
       SUM(CASE WHEN t.response_breached THEN 1 ELSE 0 END),
       SUM(CASE WHEN t.resolved_at IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN t.resolved_at IS NOT NULL AND NOT t.resolution_breached THEN 1 ELSE 0 END),
       SUM(CASE WHEN t.resolution_breached THEN 1 ELSE 0 END)
FROM servicedesk_ticket t
LEFT JOIN catalogue_service s ON s.id = t.service_id
WHERE t.sla_id IS NOT NULL AND t.opened_at >= %s AND t.opened_at < %s
GROUP BY t.service_id, s.name
"""


def _report_sql(picks):
    from itportal.servicedesk.report import year_bounds

    start, end = year_bounds(picks(this_year))
    return [(REPORT, [start, end])]


SERVICEDESK_SCENARIOS: list[Scenario] = [
    Scenario(
        "desk-queue",
        lambda picks: _url("servicedesk:ticket_list", query="status=open&priority=2"),
        _queue_sql("AND t.priority = 2", "t.opened_at DESC, t.id DESC"),
        "The agents' queue: open tickets of priority 2 (high), newest first, first page (50 "
        "rows) with requester, group and agent.",
        skip_if=_needs_tickets,
    ),
    Scenario(
        "desk-queue-by-due",
        lambda picks: _url("servicedesk:ticket_list", query="status=open&sort=resolution_due"),
        _queue_sql("", "t.resolution_due, t.id"),
        "The queue of every open ticket sorted by the resolution due time, first page.",
        skip_if=_needs_tickets,
    ),
    Scenario(
        "desk-ticket-detail",
        lambda picks: _url("servicedesk:ticket_detail", picks(busiest_ticket)["pk"]),
        _ticket_sql,
        "The ticket with the most entries, as an agent sees it: entries, attachments, SLA "
        "clocks, known errors, articles, open problems, history.",
        skip_if=_needs_tickets,
    ),
    Scenario(
        "desk-sla-recompute-open",
        "sla_bulk.recompute_open()",
        _recompute_sql(every=False),
        "The breach task's work: recompute the SLA clocks of every open ticket (rolled back).",
        skip_if=_needs_tickets,
        action=_recompute(every=False),
        verify=_recompute_summary(every=False),
    ),
    Scenario(
        "desk-sla-recompute-all",
        "sla_bulk.recompute_open(every=True)",
        _recompute_sql(every=True),
        "`check_sla --all`: recompute the SLA clocks of every ticket (rolled back).",
        skip_if=_needs_tickets,
        action=_recompute(every=True),
        verify=_recompute_summary(every=True),
        repeat=RECOMPUTE_ALL_REPEAT,
    ),
    Scenario(
        "desk-change-impact",
        lambda picks: _url("servicedesk:change_detail", picks(change_on_hubs)["pk"]),
        _change_sql,
        "The change on the five most-connected systems: the systems affected through the "
        "integration graph, the units and people to inform, approvals, conflicts, history.",
        skip_if=_needs_change,
    ),
    Scenario(
        "desk-change-impact-all",
        lambda picks: (
            _url("servicedesk:change_detail", picks(change_on_hubs)["pk"]) + "?impact=all"
        ),
        _change_sql,
        "The same change page with the whole impact listed (every affected system, unit and "
        "person to inform) instead of the first 50 rows of each table.",
        skip_if=_needs_change,
    ),
    Scenario(
        "desk-sla-report",
        lambda picks: _url("servicedesk:sla_report", query=f"year={picks(this_year)}&by=service"),
        _report_sql,
        "The SLA achievement report of this year per service: one grouped count.",
        skip_if=_needs_tickets,
    ),
]
