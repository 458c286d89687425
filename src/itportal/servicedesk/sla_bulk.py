"""Recompute the SLA clocks of every open ticket, and warn before and at a breach.

Run by the background task `check_sla` (scheduled from cron through `manage.py check_sla`)
every few minutes. Reads in bulk (tickets, their status changes, the SLAs and calendars, a few
queries per batch), computes in memory and writes only the tickets whose clocks changed.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from itportal.servicedesk.choices import OPEN_STATUSES
from itportal.servicedesk.models import SLA, StatusChange, Ticket
from itportal.servicedesk.sla import business_calendar, clocks

BATCH = 5000
WARN_FRACTION = 0.8
FIELDS = ("sla", "response_due", "resolution_due", "response_breached", "resolution_breached")


@dataclass
class Result:
    checked: int = 0
    changed: int = 0
    warnings: list = field(default_factory=list)  # tickets past the warning threshold
    breaches: list = field(default_factory=list)  # tickets that breached since last time


class _Agreements:
    def __init__(self):
        self.by_key = {}
        self.calendars = {}
        for row in SLA.objects.select_related("calendar").prefetch_related(
            "calendar__hours", "calendar__exceptions"
        ):
            self.by_key[(row.service_id, row.priority)] = row

    def find(self, service_id, priority):
        return self.by_key.get((service_id, priority)) or self.by_key.get((None, priority))

    def calendar(self, agreement):
        return business_calendar(agreement.calendar, self.calendars)


def _statuses(ticket_ids):
    rows = (
        StatusChange.objects.filter(ticket_id__in=ticket_ids)
        .order_by("ticket_id", "at", "pk")
        .values_list("ticket_id", "status", "at")
    )
    out = defaultdict(list)
    for ticket_id, status, at in rows:
        out[ticket_id].append((status, at))
    return out


def recompute(ticket, agreements, statuses, now):
    """Set the ticket's clocks as of `now`; returns (changed, warning, newly breached)."""
    before = tuple(getattr(ticket, f"{name}_id" if name == "sla" else name) for name in FIELDS)
    agreement = agreements.find(ticket.service_id, ticket.priority)
    ticket.sla = agreement
    warning = False
    if agreement is None:
        ticket.response_due = ticket.resolution_due = None
        ticket.response_breached = ticket.resolution_breached = False
    else:
        found = clocks(agreements.calendar(agreement), ticket, agreement, statuses, now)
        ticket.response_due, ticket.resolution_due = found.response_due, found.resolution_due
        ticket.response_breached = found.response_breached
        ticket.resolution_breached = found.resolution_breached
        warning = found.warning
    after = tuple(getattr(ticket, f"{name}_id" if name == "sla" else name) for name in FIELDS)
    newly_breached = (ticket.response_breached and not before[3]) or (
        ticket.resolution_breached and not before[4]
    )
    return before != after, warning, newly_breached


def recompute_open(now=None, *, batch=BATCH, every=False):
    """Recompute every open ticket's clocks; returns a Result.

    `every`: every ticket, resolved and closed ones too (after an SLA's targets or a calendar
    changed, so the report counts by the new rules); warnings and breaches are still reported
    only for the open ones."""
    now = now or timezone.now()
    agreements = _Agreements()
    result = Result()
    tickets = Ticket.objects.all() if every else Ticket.objects.filter(status__in=OPEN_STATUSES)
    all_ids = list(tickets.order_by("pk").values_list("pk", flat=True))
    for index in range(0, len(all_ids), batch):
        ids = all_ids[index : index + batch]
        tickets = list(Ticket.objects.filter(pk__in=ids).order_by("pk"))
        statuses = _statuses(ids)
        changed = []
        for ticket in tickets:
            did_change, warning, breached = recompute(ticket, agreements, statuses[ticket.pk], now)
            result.checked += 1
            if did_change:
                changed.append(ticket)
            if not ticket.is_open:
                continue
            if breached:
                result.breaches.append(ticket)
            elif warning and ticket.warned_at is None:
                result.warnings.append(ticket)
        with transaction.atomic():
            Ticket.objects.bulk_update(changed, FIELDS, batch_size=1000)
        result.changed += len(changed)
    return result
