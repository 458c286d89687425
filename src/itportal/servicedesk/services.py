"""Every write to tickets: open, assign, reply, change status, approve and fulfil requests.

Each keeps the status machine (choices.TRANSITIONS), records the status change (the basis of
the SLA pauses), refreshes the SLA clocks and writes the audit row, in one transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itportal.catalogue.choices import ServiceStatus, SubscriptionSource
from itportal.catalogue.models import Subscription
from itportal.core import services as core
from itportal.core.permissions import holds_globally
from itportal.core.roles import is_it_admin
from itportal.organisation.models import scope_paths
from itportal.servicedesk import notify, sla
from itportal.servicedesk.choices import (
    DEFAULT_MATRIX,
    PREFIX,
    TRANSITIONS,
    Approval,
    Channel,
    EntryKind,
    Kind,
    Level,
    Status,
)
from itportal.servicedesk.models import (
    PriorityRule,
    StatusChange,
    Ticket,
    TicketCounter,
    TicketEntry,
)


def _user(actor):
    return None if actor is None or isinstance(actor, str) else actor


def next_number(kind, when):
    """INC-2026-000123: per kind and year, under a row lock so that numbers never repeat."""
    return numbered(PREFIX[kind], when)


def numbered(prefix, when):
    """The next number for `prefix` (INC, REQ, …, CHG) in the year of `when`."""
    year = timezone.localtime(when).year
    TicketCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = TicketCounter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:06d}"


def priority_for(impact, urgency):
    """The priority of the configured matrix (the ITIL default where a cell is missing)."""
    found = (
        PriorityRule.objects.filter(impact=impact, urgency=urgency)
        .values_list("priority", flat=True)
        .first()
    )
    return found or DEFAULT_MATRIX[(int(impact), int(urgency))]


def _event(ticket, text, *, actor, channel=Channel.AGENT):
    return TicketEntry.objects.create(
        ticket=ticket, kind=EntryKind.EVENT, author=_user(actor), body=text, channel=channel
    )


def _record_status(ticket, status, *, actor, at):
    StatusChange.objects.create(ticket=ticket, status=status, at=at, by=_user(actor))


@transaction.atomic
def open_ticket(
    *,
    kind,
    requester,
    title,
    actor,
    description="",
    service=None,
    system=None,
    device="",
    impact=Level.LOW,
    urgency=Level.LOW,
    quantity=None,
    channel=Channel.PORTAL,
    group=None,
    now=None,
):
    """Open a ticket for `requester`. A request for an orderable service waits for the
    approval of the unit's IT coordinator or manager before IT fulfils it."""
    now = now or timezone.now()
    if not requester.active:
        raise ValidationError(
            {"requester": _("%(person)s is no longer active.") % {"person": requester}}
        )
    approval = Approval.NOT_NEEDED
    if kind == Kind.REQUEST and service is not None:
        if service.status != ServiceStatus.ACTIVE or not service.orderable:
            raise ValidationError(
                {"service": _("%(service)s cannot be ordered.") % {"service": service}}
            )
        if quantity is None or quantity <= 0:
            raise ValidationError({"quantity": _("Order at least one.")})
        approval = Approval.PENDING
    ticket = Ticket(
        kind=kind,
        title=title,
        description=description,
        channel=channel,
        requester=requester,
        unit=requester.unit,
        service=service,
        system=system,
        device=device,
        impact=impact,
        urgency=urgency,
        priority=priority_for(impact, urgency),
        status=Status.NEW,
        group=group,
        opened_at=now,
        quantity=quantity,
        approval=approval,
        number=next_number(kind, now),
    )
    sla.refresh(ticket, now=now, statuses=[(Status.NEW, now)])
    core.create_object(ticket, actor=actor)
    _record_status(ticket, Status.NEW, actor=actor, at=now)
    notify.later(ticket, "opened")
    return ticket


def _save(ticket, *, actor, data, expected_version=None):
    return core.update_object(ticket, actor=actor, data=data, expected_version=expected_version)


@transaction.atomic
def change_status(ticket, status, *, actor, expected_version=None, note="", now=None):
    """Move the ticket to `status` if the status machine allows it."""
    now = now or timezone.now()
    current = Status(ticket.status)
    status = Status(status)
    if status == current:
        return ticket
    if status not in TRANSITIONS[current]:
        if status == Status.CLOSED:
            message = _("%(ticket)s is not resolved; resolve it before closing it.")
        elif current == Status.CLOSED:
            message = _("%(ticket)s is closed; open a new ticket instead.")
        else:
            message = _("%(ticket)s cannot go from “%(from)s” to “%(to)s”.")
        raise ValidationError(
            message % {"ticket": ticket.number, "from": current.label, "to": status.label},
            code="transition",
        )
    if status == Status.RESOLVED and ticket.approval == Approval.PENDING:
        raise ValidationError(
            _("%(ticket)s waits for approval; it is approved or rejected first.")
            % {"ticket": ticket.number}
        )
    data = {"status": status}
    if status == Status.RESOLVED:
        data["resolved_at"] = now
        if ticket.responded_at is None:  # the resolution answers the requester
            data["responded_at"] = now
    elif status == Status.CLOSED:
        data["closed_at"] = now
    elif current == Status.RESOLVED:  # reopened
        data["resolved_at"] = None
    _record_status(ticket, status, actor=actor, at=now)
    for name, value in data.items():
        setattr(ticket, name, value)
    sla.refresh(ticket, now=now)
    data.update(sla.fields_of(ticket))
    _save(ticket, actor=actor, data=data, expected_version=expected_version)
    text = _("Status: %(status)s.") % {"status": status.label}
    _event(ticket, f"{text} {note}".strip(), actor=actor)
    if status in notify.ANNOUNCED:
        notify.later(ticket, "status")
    return ticket


@transaction.atomic
def assign(ticket, *, group, agent, actor, expected_version=None, now=None):
    if agent is not None and not holds_globally(agent, Ticket, "change"):
        raise ValidationError(
            {"agent": _("%(agent)s does not work the service desk.") % {"agent": agent}}
        )
    if agent is not None and group is not None and not group.members.filter(pk=agent.pk).exists():
        raise ValidationError(
            {"agent": _("%(agent)s is not in %(group)s.") % {"agent": agent, "group": group}}
        )
    _save(
        ticket,
        actor=actor,
        data={"group": group, "agent": agent},
        expected_version=expected_version,
    )
    _event(
        ticket,
        _("Assigned to %(who)s.") % {"who": agent or group or _("nobody")},
        actor=actor,
    )
    if ticket.status == Status.NEW and (agent or group):
        change_status(ticket, Status.ASSIGNED, actor=actor, now=now)
    return ticket


@transaction.atomic
def reply(ticket, *, body, actor, public=True, channel=Channel.AGENT, author_email="", now=None):
    """A public reply or an internal note. The desk's first public reply stops the response
    clock; the requester's reply to a ticket waiting on them starts the clocks again."""
    now = now or timezone.now()
    if not body.strip():
        raise ValidationError({"body": _("Write something.")})
    if ticket.status == Status.CLOSED:
        raise ValidationError(
            _("%(ticket)s is closed; open a new ticket instead.") % {"ticket": ticket.number}
        )
    user = _user(actor)
    entry = TicketEntry.objects.create(
        ticket=ticket,
        kind=EntryKind.REPLY if public else EntryKind.NOTE,
        author=user,
        author_email=author_email,
        body=body,
        channel=channel,
    )
    from_requester = user is not None and getattr(ticket.requester, "user_id", None) == user.pk
    from_requester = from_requester or (
        author_email and author_email.lower() == ticket.requester.email.lower()
    )
    if public and not from_requester and ticket.responded_at is None:
        ticket.responded_at = now
        sla.refresh(ticket, now=now)
        _save(ticket, actor=actor, data={"responded_at": now, **sla.fields_of(ticket)})
    if from_requester and ticket.status == Status.WAITING_REQUESTER:
        change_status(ticket, Status.IN_PROGRESS, actor=actor, now=now)
    if public and not from_requester:
        notify.later(ticket, "reply", body=body)
    return entry


def may_approve(user, ticket):
    """IT coordinators and managers of the ticket's unit (or a unit above it), and IT
    administrators; never the requester for their own order."""
    if getattr(ticket.requester, "user_id", None) == getattr(user, "pk", None):
        return False
    if is_it_admin(user):
        return True
    return any(ticket.unit.path.startswith(path) for path in scope_paths(user))


@transaction.atomic
def decide_request(ticket, *, actor, approve, reason="", expected_version=None, now=None):
    now = now or timezone.now()
    if ticket.kind != Kind.REQUEST or ticket.approval != Approval.PENDING:
        raise ValidationError(
            _("%(ticket)s does not wait for approval.") % {"ticket": ticket.number}
        )
    if not may_approve(actor, ticket):
        raise PermissionDenied(_("Only the unit's IT coordinator or manager approves this order."))
    decision = Approval.APPROVED if approve else Approval.REJECTED
    _save(
        ticket,
        actor=actor,
        data={"approval": decision, "approved_by": _user(actor), "approved_at": now},
        expected_version=expected_version,
    )
    label = _("Approved.") if approve else _("Rejected.")
    _event(ticket, f"{label} {reason}".strip(), actor=actor)
    if not approve:
        change_status(ticket, Status.RESOLVED, actor=actor, now=now, note=reason)
    return ticket


@transaction.atomic
def fulfil_request(ticket, *, actor, start=None, expected_version=None, now=None):
    """Deliver an approved order: the unit's subscription starts (so the next chargeback run
    bills it) and the ticket is resolved."""
    now = now or timezone.now()
    if ticket.kind != Kind.REQUEST or ticket.service_id is None:
        raise ValidationError(
            _("%(ticket)s is not an order from the catalogue.") % {"ticket": ticket.number}
        )
    if ticket.approval not in (Approval.APPROVED, Approval.NOT_NEEDED):
        raise ValidationError(
            _("%(ticket)s is not approved (%(approval)s).")
            % {"ticket": ticket.number, "approval": ticket.get_approval_display().lower()}
        )
    if ticket.subscription_id is not None:
        raise ValidationError(_("%(ticket)s is already fulfilled.") % {"ticket": ticket.number})
    if not ticket.is_open:
        raise ValidationError(
            _("%(ticket)s is %(status)s; reopen it before delivering.")
            % {"ticket": ticket.number, "status": ticket.get_status_display().lower()}
        )
    subscription = Subscription(
        unit=ticket.unit,
        service=ticket.service,
        quantity=ticket.quantity,
        start=start or timezone.localdate(now),
        source=SubscriptionSource.REQUEST,
        reference=ticket.number,
    )
    core.create_object(subscription, actor=actor)
    _save(
        ticket, actor=actor, data={"subscription": subscription}, expected_version=expected_version
    )
    _event(
        ticket,
        _("Delivered: %(subscription)s from %(start)s.")
        % {"subscription": subscription, "start": subscription.start.isoformat()},
        actor=actor,
    )
    change_status(ticket, Status.RESOLVED, actor=actor, now=now)
    return ticket
