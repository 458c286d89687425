"""A ticket's SLA clocks: which SLA applies, when the response and the resolution are due, and
whether they are breached. The arithmetic is in calendar.py and sla_clock.py; this module
reads the tickets' calendars and status history.

- The SLA is the service's for the ticket's priority, else the default (no service) one.
- Both clocks start when the ticket is opened and pause while it waits on the requester.
- The response clock stops at the desk's first public reply; the resolution clock when the
  ticket is resolved (a reopening starts it again, with the time already used counted).
- A due time is unknown (None) while the clock is paused.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from itportal.servicedesk import sla_clock
from itportal.servicedesk.calendar import BusinessCalendar
from itportal.servicedesk.choices import PAUSED_STATUSES, Status
from itportal.servicedesk.models import SLA, Calendar, StatusChange

SLA_FIELDS = (
    "sla",
    "response_due",
    "resolution_due",
    "response_breached",
    "resolution_breached",
)


def business_calendar(calendar, cache=None):
    """The BusinessCalendar of a Calendar row; `cache` (a dict by calendar id) lets a bulk
    recomputation read each calendar once."""
    found = cache.get(calendar.pk) if cache is not None else None
    if found is None:
        hours = {}
        for row in calendar.hours.all():
            closes = None if row.closes == datetime.time(0) else row.closes
            hours.setdefault(row.weekday, []).append((row.opens, closes))
        exceptions, notes = {}, {}
        for row in calendar.exceptions.all():
            if row.opens is None:
                exceptions[row.date] = ()
            else:
                closes = None if row.closes == datetime.time(0) else row.closes
                exceptions[row.date] = ((row.opens, closes),)
            if row.note:
                notes[row.date] = row.note
        found = BusinessCalendar(
            hours={day: tuple(sorted(spans)) for day, spans in hours.items()},
            tz=calendar.time_zone,
            public_holidays=calendar.public_holidays,
            closed_eves=frozenset(calendar.eve_codes),
            exceptions=exceptions,
            exception_notes=notes,
        )
        if cache is not None:
            cache[calendar.pk] = found
    return found


def find_sla(ticket):
    """The SLA for the ticket's service and priority, else the default for its priority."""
    rows = SLA.objects.filter(priority=ticket.priority).filter(
        Q(service__isnull=True) | Q(service_id=ticket.service_id)
    )
    rows = sorted(rows.select_related("calendar"), key=lambda s: s.service_id is None)
    return rows[0] if rows else None


def pauses_of(statuses, paused=PAUSED_STATUSES):
    """[(from, to or None)] of the periods spent in a `paused` status, from [(status, at)]."""
    out, started = [], None
    for status, at in statuses:
        stopped = status in paused
        if stopped and started is None:
            started = at
        elif not stopped and started is not None:
            out.append((started, at))
            started = None
    if started is not None:
        out.append((started, None))
    return out


@dataclass(frozen=True)
class Clocks:
    response_due: object
    resolution_due: object
    response_breached: bool
    resolution_breached: bool
    warning: bool  # 80 % of a running target is used


def clocks(calendar, ticket, agreement, statuses, now, fraction=0.8):
    """Both clocks of a ticket as of `now`: the one rule for the pages and the bulk task.

    - Waiting on the requester pauses both clocks.
    - The resolution clock also stands still while the ticket is resolved or closed, so a
      reopened ticket goes on with the time it had used.
    - The response clock stops at the first public reply, or at the resolution when the
      ticket was resolved without one (the resolution is the answer).
    """
    start = ticket.opened_at
    response = datetime.timedelta(minutes=agreement.response_minutes)
    resolution = datetime.timedelta(minutes=agreement.resolution_minutes)
    waiting = pauses_of(statuses)
    stopped = pauses_of(statuses, (*PAUSED_STATUSES, Status.RESOLVED, Status.CLOSED))
    done = ticket.status in (Status.RESOLVED, Status.CLOSED)
    resolved = ticket.resolved_at if done and ticket.resolved_at else now
    responded = ticket.responded_at or (resolved if done else now)
    answer = sla_clock.state(calendar, start, response, waiting, responded, fraction)
    solution = sla_clock.state(calendar, start, resolution, stopped, resolved, fraction)
    paused_now = ticket.status in PAUSED_STATUSES
    answered = ticket.responded_at is not None or done
    return Clocks(
        response_due=None if paused_now and not answered else answer.due,
        resolution_due=None if paused_now else solution.due,
        response_breached=answer.breached,
        resolution_breached=solution.breached,
        warning=not done and (solution.warning or (not answered and answer.warning)),
    )


def statuses_of(ticket):
    return list(
        StatusChange.objects.filter(ticket=ticket).order_by("at", "pk").values_list("status", "at")
    )


def refresh(ticket, *, now, statuses=None, agreement=None, cache=None):
    """Set the ticket's SLA, due times and breach flags as of `now` (not saved)."""
    agreement = agreement if agreement is not None else find_sla(ticket)
    ticket.sla = agreement
    if agreement is None:
        ticket.response_due = ticket.resolution_due = None
        ticket.response_breached = ticket.resolution_breached = False
        return ticket
    if statuses is None:
        statuses = statuses_of(ticket)
    calendar = business_calendar(agreement.calendar, cache)
    found = clocks(calendar, ticket, agreement, statuses, now)
    ticket.response_due, ticket.resolution_due = found.response_due, found.resolution_due
    ticket.response_breached = found.response_breached
    ticket.resolution_breached = found.resolution_breached
    return ticket


def fields_of(ticket):
    return {name: getattr(ticket, name) for name in SLA_FIELDS}


def calendars():
    """Every calendar, with its hours and exceptions (for the breach task)."""
    return Calendar.objects.prefetch_related("hours", "exceptions")
