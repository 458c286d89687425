"""Background work of the service desk: the SLA clocks of open tickets and their warnings.

`manage.py check_sla` enqueues `check_sla` (schedule it every five minutes from cron; the task
worker `manage.py db_worker` runs it); `--now` runs it in the command.
"""

from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from itportal.core.context import change_context
from itportal.servicedesk.choices import Channel, EntryKind
from itportal.servicedesk.models import Ticket, TicketEntry
from itportal.servicedesk.sla_bulk import recompute_open


def recipients(ticket):
    """The agent, else the assignment group's address, else the desk's."""
    if ticket.agent_id and ticket.agent.email:
        return [ticket.agent.email]
    if ticket.group_id and ticket.group.email:
        return [ticket.group.email]
    return [settings.SERVICEDESK_EMAIL] if settings.SERVICEDESK_EMAIL else []


def _notify(ticket, kind, now):
    context = {"ticket": ticket, "kind": kind, "portal_name": settings.PORTAL_NAME}
    subject = render_to_string("servicedesk/email/sla_subject.txt", context).strip()
    to = recipients(ticket)
    if to:
        mail.send_mail(subject, render_to_string("servicedesk/email/sla.txt", context), None, to)
    text = _("SLA warning sent.") if kind == "warning" else _("SLA breached.")
    TicketEntry.objects.create(
        ticket=ticket, kind=EntryKind.EVENT, body=text, channel=Channel.AGENT
    )


def run_check(now=None, *, every=False):
    """Recompute the clocks, then warn once per ticket before the breach and once at it.
    `every`: resolved and closed tickets too (see sla_bulk.recompute_open)."""
    now = now or timezone.now()
    with change_context(source="task:check_sla"):
        result = recompute_open(now, every=every)
        for ticket in result.warnings:
            _notify(ticket, "warning", now)
        for ticket in result.breaches:
            _notify(ticket, "breach", now)
        warned = [t.pk for t in result.warnings + result.breaches]
        Ticket.objects.filter(pk__in=warned, warned_at__isnull=True).update(warned_at=now)
    return result


@task()
def check_sla():
    result = run_check()
    return {
        "checked": result.checked,
        "changed": result.changed,
        "warnings": len(result.warnings),
        "breaches": len(result.breaches),
    }
