"""The SLA achievement report: for the tickets with an SLA opened in a year, how many got their
first response and their resolution in time, per service, assignment group, month or priority.

Counted in the database with one grouped query (independent of the number of tickets); the
totals are sums of the rows' counts, so they cost no query.

- Response met: responded (`responded_at` set) and `response_breached` not set. The response
  percentage is over the tickets whose response is decided: responded or breached. A ticket
  still waiting for its first response within the target is pending, in neither.
- Resolution met: resolved (`resolved_at` set; a reopening clears it) and
  `resolution_breached` not set; the percentage is over the resolved tickets.
- Breached counts every ticket of the row with the flag set, also those still open.
- The year and the months are Europe/Stockholm's (the time zone of the portal).

A median resolution time in business hours is left out: it needs each ticket's calendar and
pauses (its status history) in Python, which is not cheap for a year of a large desk.
"""

import dataclasses
import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from itportal.servicedesk.choices import Priority
from itportal.servicedesk.models import Ticket

BY_SERVICE, BY_GROUP, BY_MONTH, BY_PRIORITY = "service", "group", "month", "priority"
GROUPINGS = (BY_SERVICE, BY_GROUP, BY_MONTH, BY_PRIORITY)

RESPONDED_IN_TIME = Q(responded_at__isnull=False, response_breached=False)
RESOLVED = Q(resolved_at__isnull=False)
RESOLVED_IN_TIME = Q(resolved_at__isnull=False, resolution_breached=False)

COUNTS = {
    "tickets": Count("pk"),
    "response_met": Count("pk", filter=RESPONDED_IN_TIME),
    "response_breached": Count("pk", filter=Q(response_breached=True)),
    "resolved": Count("pk", filter=RESOLVED),
    "resolution_met": Count("pk", filter=RESOLVED_IN_TIME),
    "resolution_breached": Count("pk", filter=Q(resolution_breached=True)),
}


def grouping_labels():
    return {
        BY_SERVICE: _("Service"),
        BY_GROUP: _("Assignment group"),
        BY_MONTH: _("Month"),
        BY_PRIORITY: _("Priority"),
    }


def percent(part, whole):
    """`part` of `whole` in per cent with one decimal, None when there is nothing to count."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


@dataclasses.dataclass
class Row:
    key: object  # the service, group or priority id, or the month's first day; None = none
    label: str
    tickets: int = 0
    response_met: int = 0
    response_breached: int = 0
    resolved: int = 0
    resolution_met: int = 0
    resolution_breached: int = 0

    @property
    def response_decided(self):
        return self.response_met + self.response_breached

    @property
    def response_pct(self):
        return percent(self.response_met, self.response_decided)

    @property
    def resolution_pct(self):
        return percent(self.resolution_met, self.resolved)

    def add(self, other):
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclasses.dataclass
class Report:
    year: int
    by: str
    rows: list
    total: Row


def zone():
    return ZoneInfo(settings.TIME_ZONE)


def year_bounds(year):
    tz = zone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def tickets_of(year, *, service=None, group=None):
    """The tickets the report counts: with an SLA, opened in `year`, optionally of a service
    or an assignment group (ids)."""
    start, end = year_bounds(year)
    queryset = Ticket.objects.filter(sla__isnull=False, opened_at__gte=start, opened_at__lt=end)
    if service is not None:
        queryset = queryset.filter(service_id=service)
    if group is not None:
        queryset = queryset.filter(group_id=group)
    return queryset


def _keyed(queryset, by):
    """(values() queryset, function row dict → (key, label, sort key))."""
    if by == BY_SERVICE:
        return queryset.values("service_id", "service__name"), lambda r: (
            r["service_id"],
            r["service__name"] or _("No service"),
            (r["service_id"] is None, r["service__name"] or ""),
        )
    if by == BY_GROUP:
        return queryset.values("group_id", "group__name"), lambda r: (
            r["group_id"],
            r["group__name"] or _("No assignment group"),
            (r["group_id"] is None, r["group__name"] or ""),
        )
    if by == BY_MONTH:
        tz = zone()
        months = queryset.annotate(month=TruncMonth("opened_at", tzinfo=tz)).values("month")

        def month(r):
            first = r["month"]
            if isinstance(first, datetime.datetime):
                first = first.astimezone(tz).date() if first.tzinfo else first.date()
            return first, f"{first:%Y-%m}", first

        return months, month
    if by == BY_PRIORITY:
        return queryset.values("priority"), lambda r: (
            r["priority"],
            str(Priority(r["priority"]).label),
            r["priority"],
        )
    raise ValueError(f"Unknown grouping: {by}")


def sla_report(year, by=BY_SERVICE, *, service=None, group=None):
    """The Report of `year` grouped `by` one of GROUPINGS: one query."""
    values, describe = _keyed(tickets_of(year, service=service, group=group), by)
    found = []
    for record in values.annotate(**COUNTS).order_by():
        key, label, sort = describe(record)
        found.append((sort, Row(key, label, **{name: record[name] for name in COUNTS})))
    found.sort(key=lambda pair: pair[0])
    rows = [row for _sort, row in found]
    total = Row(None, _("Total"))
    for row in rows:
        total.add(row)
    return Report(year=year, by=by, rows=rows, total=total)


def export_rows(report):
    """Header and rows (with the totals last) of the report, for a CSV or XLSX file."""
    headers = [
        grouping_labels()[report.by],
        _("Tickets"),
        _("Response in time"),
        _("Response breached"),
        _("Response met %"),
        _("Resolved"),
        _("Resolved in time"),
        _("Resolution breached"),
        _("Resolution met %"),
    ]
    rows = [
        [
            row.label,
            row.tickets,
            row.response_met,
            row.response_breached,
            row.response_pct,
            row.resolved,
            row.resolution_met,
            row.resolution_breached,
            row.resolution_pct,
        ]
        for row in [*report.rows, report.total]
    ]
    return headers, rows
