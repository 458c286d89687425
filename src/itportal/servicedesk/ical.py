"""The change calendar as iCalendar (RFC 5545), built with the `icalendar` package: one VEVENT
per planned change (submitted, approved, implemented or failed; cancelled and rejected ones that
were once published, as STATUS:CANCELLED so that subscribed calendars drop them) and one per
blackout period (TRANSP:TRANSPARENT, CATEGORIES marks it).

Times are written in UTC (`DTSTART:20261025T003000Z`). A local time with TZID cannot tell the
two 02:30 of the night the clocks go back (25 Oct 2026 in Europe/Stockholm) apart; UTC can, and
every client shows it in its own zone. X-WR-TIMEZONE names the portal's zone as a hint.

UIDs are stable (`chg-<pk>@<domain>`, `blackout-<pk>@<domain>`; the domain is the setting
CHANGE_CALENDAR_DOMAIN when given, else derived from PORTAL_NAME) and SEQUENCE is the row's
version, so a moved window updates the event in place. No METHOD is written (a published feed,
not an invitation), so DTSTAMP is when the row was last revised.
"""

import datetime

import icalendar
from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from itportal.registry.models import System
from itportal.servicedesk.models import Blackout, Change, ChangeStatus

PUBLISHED = (
    ChangeStatus.SUBMITTED,
    ChangeStatus.APPROVED,
    ChangeStatus.IMPLEMENTED,
    ChangeStatus.FAILED,
)
WITHDRAWN = (ChangeStatus.CANCELLED, ChangeStatus.REJECTED)
EVENT_STATUS = {
    ChangeStatus.SUBMITTED: "TENTATIVE",
    ChangeStatus.APPROVED: "CONFIRMED",
    ChangeStatus.IMPLEMENTED: "CONFIRMED",
    ChangeStatus.FAILED: "CONFIRMED",
    ChangeStatus.CANCELLED: "CANCELLED",
    ChangeStatus.REJECTED: "CANCELLED",
}
HISTORY_DAYS = 180  # how far back the feed reaches
UTC = datetime.UTC


def uid_domain():
    configured = getattr(settings, "CHANGE_CALENDAR_DOMAIN", "")
    return configured or slugify(settings.PORTAL_NAME) or "itportal"


def feed_changes(now=None):
    """The changes in the feed: planned, not older than HISTORY_DAYS."""
    now = now or timezone.now()
    systems = Prefetch("systems", queryset=System.objects.only("pk", "name").order_by("name"))
    return (
        Change.objects.filter(planned_start__isnull=False, planned_end__isnull=False)
        .filter(planned_end__gte=now - datetime.timedelta(days=HISTORY_DAYS))
        .filter(Q(status__in=PUBLISHED) | Q(status__in=WITHDRAWN, submitted_at__isnull=False))
        .prefetch_related(systems)
        .order_by("planned_start", "pk")
    )


def feed_blackouts(now=None):
    now = now or timezone.now()
    systems = Prefetch("systems", queryset=System.objects.only("pk", "name").order_by("name"))
    return (
        Blackout.objects.filter(end__gte=now - datetime.timedelta(days=HISTORY_DAYS))
        .prefetch_related(systems)
        .order_by("start", "pk")
    )


def _utc(value):
    return value.astimezone(UTC)


def change_event(change, *, domain, url=None):
    event = icalendar.Event()
    event.add("uid", f"chg-{change.pk}@{domain}")
    event.add("dtstamp", _utc(change.updated))
    event.add("last-modified", _utc(change.updated))
    event.add("created", _utc(change.created))
    event.add("dtstart", _utc(change.planned_start))
    event.add("dtend", _utc(change.planned_end))
    event.add("summary", f"{change.number} {change.title}")
    systems = ", ".join(system.name for system in change.systems.all()) or "–"
    lines = [
        f"{_('Kind')}: {change.get_kind_display()}",
        f"{_('Status')}: {change.get_status_display()}",
        "%s: %s" % (_("Risk"), change.get_risk_display()),  # noqa: UP031 (gettext sees it)
        f"{_('Systems')}: {systems}",
    ]
    if change.description:
        lines += ["", change.description]
    event.add("description", "\n".join(lines))
    event.add("status", EVENT_STATUS[ChangeStatus(change.status)])
    event.add("sequence", change.version)
    event.add(
        "categories", [pgettext("change management", "Change"), str(change.get_kind_display())]
    )
    event.add("transp", "OPAQUE")
    if url:
        event.add("url", url)
    return event


def blackout_event(blackout, *, domain, url=None):
    event = icalendar.Event()
    event.add("uid", f"blackout-{blackout.pk}@{domain}")
    event.add("dtstamp", _utc(blackout.updated))
    event.add("last-modified", _utc(blackout.updated))
    event.add("dtstart", _utc(blackout.start))
    event.add("dtend", _utc(blackout.end))
    event.add("summary", _("Blackout: %(name)s") % {"name": blackout.name})
    names = [system.name for system in blackout.systems.all()]
    systems = ", ".join(names) if names else _("all systems")
    text = "%s: %s" % (_("No changes to"), systems)  # noqa: UP031 (gettext sees it)
    if blackout.description:
        text += f"\n\n{blackout.description}"
    event.add("description", text)
    event.add("status", "CONFIRMED")
    event.add("sequence", blackout.version)
    event.add("categories", [_("Blackout period")])
    event.add("transp", "TRANSPARENT")
    if url:
        event.add("url", url)
    return event


def build_calendar(*, changes=None, blackouts=None, absolute_url=None, now=None):
    """The VCALENDAR as bytes (CRLF line ends, long lines folded, UTF-8).

    `absolute_url(path)` turns an object's path into a full URL for the URL property (left out
    when not given: a file written by a command may not know the portal's address).
    """
    changes = feed_changes(now) if changes is None else changes
    blackouts = feed_blackouts(now) if blackouts is None else blackouts
    domain = uid_domain()
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.PORTAL_OWNER}//{settings.PORTAL_NAME}//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{settings.PORTAL_NAME}: {_('Change calendar')}")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("x-published-ttl", "PT1H")
    for change in changes:
        url = absolute_url(change.get_absolute_url()) if absolute_url else None
        calendar.add_component(change_event(change, domain=domain, url=url))
    for blackout in blackouts:
        url = absolute_url(blackout.get_absolute_url()) if absolute_url else None
        calendar.add_component(blackout_event(blackout, domain=domain, url=url))
    return calendar.to_ical()
