"""E-mail to the requester when their ticket is opened, answered or changes status. The subject
carries the ticket number in brackets, so that a reply comes back to the same ticket; the
headers tell other systems not to auto-reply. Sent after the transaction commits, in the
portal's language."""

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
# Statuses the requester hears about.
ANNOUNCED = ("waiting_requester", "resolved", "closed")


def _send(ticket, event, extra=None):
    person = ticket.requester
    if not person.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "ticket": ticket,
            "event": event,
            "portal_name": settings.PORTAL_NAME,
            "base_url": getattr(settings, "PORTAL_BASE_URL", ""),
            **(extra or {}),
        }
        subject = render_to_string("servicedesk/email/ticket_subject.txt", context).strip()
        body = render_to_string("servicedesk/email/ticket.txt", context)
    message = mail.EmailMessage(
        subject=subject,
        body=body,
        to=[f"{person} <{person.email}>"],
        reply_to=[settings.SERVICEDESK_EMAIL] if settings.SERVICEDESK_EMAIL else None,
        headers=HEADERS,
    )
    message.send(fail_silently=False)


def later(ticket, event, **extra):
    """Send after commit (nothing is sent for a write that is rolled back)."""
    transaction.on_commit(lambda: _send(ticket, event, extra))
