"""Reads of the service desk that are more than a filter: the portal's lists, the SLA in plain
words, known errors matching an incident, the agents one may assign, the dashboard's figures."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, IntegerField, Q, When
from django.utils import formats, timezone
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from itportal.core.roles import Role
from itportal.organisation.models import Person, scope_paths, subtree_q
from itportal.servicedesk.choices import OPEN_STATUSES, Approval, Kind, Priority, Status
from itportal.servicedesk.models import AssignmentGroup, Ticket

RECENTLY_RESOLVED_DAYS = 30
AT_RISK = datetime.timedelta(hours=4)  # open, not breached, resolution due within this
AGE_BUCKETS = (  # (label, lower bound in days, upper bound in days or None)
    ("0–1", 0, 1),
    ("1–3", 1, 3),
    ("3–7", 3, 7),
    ("7–30", 7, 30),
    ("30+", 30, None),
)
LIST_RELATED = ("requester", "unit", "service", "group", "agent")


def person_of(user):
    """The Person linked to the login, with their unit, or None."""
    if not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).select_related("unit").first()


def my_tickets(person, now=None):
    """The person's open tickets and those resolved or closed in the last 30 days."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=RECENTLY_RESOLVED_DAYS)
    return (
        Ticket.objects.filter(requester=person)
        .filter(Q(status__in=OPEN_STATUSES) | Q(resolved_at__gte=since))
        .select_related("service")
        .order_by("-opened_at", "-id")[:100]
    )


def unit_orders(user, now=None):
    """Orders from the catalogue in the units where the user is IT coordinator or manager:
    those waiting for approval first, then the open ones and the recently resolved."""
    paths = subtree_q(scope_paths(user), "unit__path")
    if paths is None:
        return None
    now = now or timezone.now()
    since = now - datetime.timedelta(days=RECENTLY_RESOLVED_DAYS)
    return (
        Ticket.objects.filter(paths, kind=Kind.REQUEST)
        .filter(
            Q(approval=Approval.PENDING) | Q(status__in=OPEN_STATUSES) | Q(resolved_at__gte=since)
        )
        .select_related("requester", "unit", "service")
        .annotate(
            waiting=Case(
                When(approval=Approval.PENDING, then=0), default=1, output_field=IntegerField()
            )
        )
        .order_by("waiting", "-opened_at", "-id")[:100]
    )


def _when(moment):
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def sla_words(ticket, now=None):
    """The ticket's SLA for the requester, in plain words."""
    now = now or timezone.now()
    if ticket.status == Status.CLOSED:
        return _("Closed %(when)s.") % {"when": _when(ticket.closed_at)}
    if ticket.status == Status.RESOLVED:
        return _("Resolved %(when)s.") % {"when": _when(ticket.resolved_at)}
    if ticket.approval == Approval.PENDING:
        return _("Waiting for your unit's approval.")
    if ticket.status == Status.WAITING_REQUESTER:
        return _("Waiting for your answer; the clock stands still.")
    due = ticket.resolution_due
    if due is None:
        return _("No promised time.")
    if due < now:
        return _("Late: it was due %(when)s (%(ago)s ago).") % {
            "when": _when(due),
            "ago": timesince(due, now),
        }
    return _("Due %(when)s (in %(left)s).") % {"when": _when(due), "left": timeuntil(due, now)}


def clock(due, breached, stopped_at, now):
    """One SLA clock for the agent: due time, remaining (or overdue) time, state."""
    if due is None:
        return {"due": None, "state": "none", "text": _("No SLA applies, or the clock is paused.")}
    if stopped_at is not None:
        state = "breached" if breached else "met"
        text = _("Breached") if breached else _("Met")
        return {"due": due, "state": state, "text": text}
    if breached or due < now:
        return {
            "due": due,
            "state": "breached",
            "text": _("Breached %(ago)s ago") % {"ago": timesince(due, now)},
        }
    return {
        "due": due,
        "state": "at_risk" if due - now <= AT_RISK else "running",
        "text": _("%(left)s left") % {"left": timeuntil(due, now)},
    }


def clocks(ticket, now=None):
    now = now or timezone.now()
    resolved = ticket.resolved_at if ticket.status in (Status.RESOLVED, Status.CLOSED) else None
    return {
        "response": clock(ticket.response_due, ticket.response_breached, ticket.responded_at, now),
        "resolution": clock(ticket.resolution_due, ticket.resolution_breached, resolved, now),
    }


def known_errors_for(ticket):
    """Known errors (problems not closed) on the incident's service or system, with their
    workaround."""
    if ticket.kind == Kind.PROBLEM or not (ticket.service_id or ticket.system_id):
        return Ticket.objects.none()
    match = Q()
    if ticket.service_id:
        match |= Q(service_id=ticket.service_id)
    if ticket.system_id:
        match |= Q(system_id=ticket.system_id)
    return (
        Ticket.objects.filter(match, kind=Kind.PROBLEM, known_error=True)
        .exclude(status=Status.CLOSED)
        .exclude(pk=ticket.problem_id)
        .order_by("-opened_at")[:5]
    )


def open_problems():
    return (
        Ticket.objects.filter(kind=Kind.PROBLEM)
        .exclude(status=Status.CLOSED)
        .order_by("-opened_at")
    )


def agents():
    """Logins that may work the desk (IT staff and IT administrators)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=(Role.IT_STAFF, Role.IT_ADMIN)) | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def groups():
    return AssignmentGroup.objects.order_by("name")


def dashboard(now=None):
    """Open tickets by priority, breached and at-risk counts, age buckets and by group: three
    aggregate queries, whatever the number of tickets."""
    now = now or timezone.now()
    open_tickets = Ticket.objects.filter(status__in=OPEN_STATUSES)
    breached = Q(response_breached=True) | Q(resolution_breached=True)
    at_risk = Q(resolution_due__lte=now + AT_RISK) & ~breached
    buckets = {}
    for _label, low, high in AGE_BUCKETS:
        span = Q(opened_at__lte=now - datetime.timedelta(days=low))
        if high is not None:
            span &= Q(opened_at__gt=now - datetime.timedelta(days=high))
        buckets[f"age_{low}"] = Count("pk", filter=span)
    totals = open_tickets.aggregate(
        total=Count("pk"),
        breached=Count("pk", filter=breached),
        at_risk=Count("pk", filter=at_risk),
        unassigned=Count("pk", filter=Q(group__isnull=True, agent__isnull=True)),
        pending_approval=Count("pk", filter=Q(approval=Approval.PENDING)),
        **buckets,
    )
    by_priority = dict(
        open_tickets.order_by()
        .values_list("priority")
        .annotate(n=Count("pk"))
        .values_list("priority", "n")
    )
    priorities = [
        {"value": value, "label": label, "count": by_priority.get(value, 0)}
        for value, label in Priority.choices
    ]
    by_group = list(
        open_tickets.order_by()
        .values("group_id", "group__name")
        .annotate(
            count=Count("pk"),
            breached=Count("pk", filter=breached),
            at_risk=Count("pk", filter=at_risk),
        )
        .order_by("group__name")
    )
    ages = [
        {"label": label, "low": low, "count": totals[f"age_{low}"]}
        for label, low, _high in AGE_BUCKETS
    ]
    top = max([p["count"] for p in priorities] + [a["count"] for a in ages] + [1])
    return {
        "totals": totals,
        "priorities": priorities,
        "ages": ages,
        "groups": by_group,
        "top": top,
        "now": now,
    }
