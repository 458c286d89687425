"""Background entry points of the register: the weekly compliance digest and the daily snapshot.

Schedule them from cron through their commands (`send_compliance_digest`, `compliance_snapshot`);
the task worker (`manage.py db_worker`) runs what the commands enqueue.
"""

from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import ngettext
from django_tasks import task

from itportal.core.context import change_context
from itportal.registry import compliance


def _absolute(base_url, path):
    return f"{base_url.rstrip('/')}{path}" if base_url else path


def digest_messages(found=None, *, base_url=""):
    """(person, e-mail message) for each active person with findings to act on, in the active
    language: plain text with an HTML alternative."""
    if found is None:
        found = compliance.findings()
    base_url = base_url or getattr(settings, "PORTAL_BASE_URL", "")
    mine_url = _absolute(base_url, reverse("registry:compliance_findings") + "?mine=1")
    messages = []
    for person, findings in compliance.findings_by_person(found).items():
        systems = {}
        for finding in findings:
            systems.setdefault(finding.system.pk, (finding.system, []))[1].append(finding)
        context = {
            "person": person,
            "count": len(findings),
            "systems": [
                {
                    "system": system,
                    "url": _absolute(base_url, system.get_absolute_url()),
                    "findings": items,
                }
                for system, items in systems.values()
            ],
            "mine_url": mine_url,
            "portal_name": settings.PORTAL_NAME,
        }
        subject = ngettext(
            "%(portal)s: %(count)s governance finding to fix",
            "%(portal)s: %(count)s governance findings to fix",
            len(findings),
        ) % {"portal": settings.PORTAL_NAME, "count": len(findings)}
        message = mail.EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("registry/email/digest.txt", context),
            to=[f"{person} <{person.email}>"],
        )
        message.attach_alternative(
            render_to_string("registry/email/digest.html", context), "text/html"
        )
        messages.append((person, message))
    return messages


@task()
def send_compliance_digest(base_url: str = "") -> int:
    """Send the weekly digest: one e-mail to each person with findings to fix. Returns how many
    e-mails were sent."""
    with change_context(source="task:send_compliance_digest"):
        messages = [message for _person, message in digest_messages(base_url=base_url)]
        if not messages:
            return 0
        with mail.get_connection() as connection:
            return connection.send_messages(messages) or 0


@task()
def write_compliance_snapshot() -> int:
    """Store today's finding counts for the trend. Returns the number of rows written."""
    with change_context(source="task:write_compliance_snapshot"):
        return compliance.write_snapshot()


__all__ = ["digest_messages", "send_compliance_digest", "write_compliance_snapshot"]
