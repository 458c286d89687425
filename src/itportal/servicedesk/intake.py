"""E-mail to the desk: a new message becomes a ticket, a reply whose subject names a ticket
(“SV: [INC-2026-000123] …”) becomes a reply to it, an automatic reply is ignored. A message
that can become neither is kept, with the reason, in the intake list — nothing is lost.

Every message leaves one IntakeMessage row (the raw message included); a message seen before
(same Message-ID, processed) is not processed twice.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itportal.core.permissions import holds_globally
from itportal.organisation.models import Person
from itportal.servicedesk import services
from itportal.servicedesk.choices import Channel, Kind
from itportal.servicedesk.mail_parse import MalformedMail, clean_subject, parse_message
from itportal.servicedesk.models import IntakeMessage, Ticket, TicketEntry
from itportal.servicedesk.services_more import add_attachment

Outcome = IntakeMessage.Outcome
DONE = (Outcome.TICKET, Outcome.REPLY, Outcome.IGNORED)


class Refused(Exception):
    """The message cannot become a ticket or a reply; the text says why."""


def _attach(ticket, parsed, actor):
    """Attach what the desk accepts; return the sentences for what it refused."""
    refused = []
    for item in parsed.attachments:
        if item.inline and item.content_id:
            continue  # images inside the text (signatures, logos)
        upload = SimpleUploadedFile(item.filename or "bilaga", item.content, item.content_type)
        try:
            add_attachment(ticket, upload=upload, actor=actor)
        except ValidationError as exc:
            refused.extend(exc.messages)
    refused.extend(problem.message for problem in parsed.problems)
    if refused:
        TicketEntry.objects.create(
            ticket=ticket,
            kind="note",
            body=_("Attachments of the e-mail not kept: %(list)s") % {"list": " ".join(refused)},
            channel=Channel.EMAIL,
        )
    return refused


def _agent_with_address(address):
    """The active login with this e-mail address that works the desk, if any."""
    for user in get_user_model().objects.filter(email__iexact=address, is_active=True):
        if holds_globally(user, Ticket, "change"):
            return user
    return None


def _reply(parsed, number, actor):
    ticket = Ticket.objects.filter(number=number).first()
    if ticket is None:
        raise Refused(
            _("The subject names ticket %(number)s, which does not exist.") % {"number": number}
        )
    sender = (parsed.sender or "").lower()
    if sender != ticket.requester.email.lower():
        agent = _agent_with_address(sender)
        if agent is None:
            raise Refused(
                _("%(sender)s is neither the requester of %(number)s nor on the desk.")
                % {"sender": parsed.sender, "number": number}
            )
        actor = agent  # the desk answering by mail: its first reply stops the response clock
    body = parsed.new_text.strip() or parsed.text.strip()
    if not body and not parsed.attachments:
        raise Refused(_("The reply to %(number)s is empty.") % {"number": number})
    try:
        services.reply(
            ticket,
            body=body or _("(attachments only)"),
            actor=actor,
            public=True,
            channel=Channel.EMAIL,
            author_email=parsed.sender,
        )
    except ValidationError as exc:
        raise Refused(" ".join(exc.messages)) from None
    return ticket


def _new_ticket(parsed, actor):
    requester = Person.objects.filter(email__iexact=parsed.sender, active=True).first()
    if requester is None:
        raise Refused(
            _("%(sender)s is not an active person in the organisation register.")
            % {"sender": parsed.sender}
        )
    title = clean_subject(parsed.subject).strip() or _("(no subject)")
    try:
        return services.open_ticket(
            kind=Kind.INCIDENT,
            requester=requester,
            title=title[:200],
            description=parsed.text.strip(),
            channel=Channel.EMAIL,
            actor=actor,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise Refused(" ".join(getattr(exc, "messages", [str(exc)]))) from None


def process(raw, *, now=None):
    """Turn one raw message into a ticket, a reply, an ignored auto-reply or a kept failure."""
    now = now or timezone.now()
    record = IntakeMessage(raw=raw)
    try:
        parsed = parse_message(raw, max_attachment_bytes=None, allowed_types=None)
    except MalformedMail as exc:
        record.outcome, record.error = Outcome.FAILED, exc.reason
        record.save()
        return record
    record.message_id = (parsed.message_id or "")[:300]
    record.sender = (parsed.sender or "")[:300]
    record.subject = (parsed.subject or "")[:300]
    if record.message_id:
        seen = IntakeMessage.objects.filter(message_id=record.message_id, outcome__in=DONE)
        if seen.exists():
            return seen.first()
    if parsed.auto_reply:
        record.outcome = Outcome.IGNORED
        record.save()
        return record
    actor = f"email:{parsed.sender}"[:150]
    try:
        with transaction.atomic():
            number = parsed.ticket_reference
            if number:
                ticket = _reply(parsed, number, actor)
                record.outcome = Outcome.REPLY
            else:
                ticket = _new_ticket(parsed, actor)
                record.outcome = Outcome.TICKET
            refused = _attach(ticket, parsed, actor)
            record.ticket = ticket
            record.error = " ".join(refused)
            record.save()
    except Refused as exc:
        record.pk = None
        record.ticket = None
        record.outcome, record.error = Outcome.FAILED, str(exc)
        record.save()
    return record
