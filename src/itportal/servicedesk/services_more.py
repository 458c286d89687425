"""Writes to tickets that services.py does not cover: attachments (size- and type-limited,
stored through Django storage), linking incidents to a problem, a problem's root cause,
workaround and known error, and bulk actions on many tickets at once (all or nothing).

Like services.py: validation first, the audit row through core.services, one transaction.
"""

import os

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from itportal.core import services as core
from itportal.servicedesk import services
from itportal.servicedesk.choices import Kind, Status
from itportal.servicedesk.models import Attachment, Ticket

# The types an attachment may have: extension → (content type, how its first bytes look).
# The content is checked, not only the name, so a renamed program is refused.
KNOWN_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "txt": ("text/plain", None),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
}
ALIASES = {"jpeg": ("jpg",)}


def allowed_extensions():
    """The extensions allowed by SERVICEDESK_ATTACHMENT_TYPES (jpeg also allows .jpg)."""
    allowed = set()
    for name in settings.SERVICEDESK_ATTACHMENT_TYPES:
        name = name.strip().lower().lstrip(".")
        if name in KNOWN_TYPES:
            allowed.add(name)
            allowed.update(ALIASES.get(name, ()))
    return allowed


def _looks_like(extension, head):
    signatures = KNOWN_TYPES[extension][1]
    if signatures is None:  # text: no NUL bytes, and UTF-8 or Latin-1
        return b"\x00" not in head
    return head.startswith(signatures)


def check_upload(upload):
    """Refuse a file over the size limit or of a type not allowed; return (extension, type)."""
    limit = settings.SERVICEDESK_ATTACHMENT_MAX_BYTES
    name = os.path.basename(upload.name or "")
    if upload.size > limit:
        raise ValidationError(
            {
                "file": _("%(name)s is %(size)s; attachments may be at most %(limit)s.")
                % {
                    "name": name,
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(limit),
                }
            },
            code="too_large",
        )
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    allowed = allowed_extensions()
    if extension not in allowed:
        raise ValidationError(
            {
                "file": _("%(name)s is not a file type the desk accepts. Allowed: %(types)s.")
                % {"name": name, "types": ", ".join(sorted(allowed))}
            },
            code="type",
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if not _looks_like(extension, head):
        raise ValidationError(
            {
                "file": _("%(name)s does not contain what its name says (.%(ext)s).")
                % {"name": name, "ext": extension}
            },
            code="content",
        )
    return extension, KNOWN_TYPES[extension][0]


@transaction.atomic
def add_attachment(ticket, *, upload, actor, entry=None):
    """Store `upload` (a Django UploadedFile) through the default storage and attach it. A
    refused file leaves nothing behind: no row, no stored file."""
    if ticket.status == Status.CLOSED:
        raise ValidationError(
            _("%(ticket)s is closed; open a new ticket instead.") % {"ticket": ticket.number}
        )
    _extension, content_type = check_upload(upload)
    name = os.path.basename(upload.name)[:200]
    attachment = Attachment(
        ticket=ticket,
        entry=entry,
        name=name,
        content_type=content_type,
        size=upload.size,
    )
    attachment.file.save(name, upload, save=False)
    try:
        core.create_object(attachment, actor=actor)
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def link_problem(ticket, problem, *, actor, expected_version=None):
    """Link an incident (or question) to a problem; `problem=None` unlinks it."""
    if ticket.kind == Kind.PROBLEM:
        raise ValidationError(
            {"problem": _("%(ticket)s is a problem itself.") % {"ticket": ticket.number}}
        )
    if problem is not None and problem.kind != Kind.PROBLEM:
        raise ValidationError(
            {"problem": _("%(ticket)s is not a problem.") % {"ticket": problem.number}}
        )
    core.update_object(
        ticket, actor=actor, data={"problem": problem}, expected_version=expected_version
    )
    if problem is not None:
        text = _("Linked to the problem %(problem)s.") % {"problem": problem.number}
    else:
        text = _("No longer linked to a problem.")
    services._event(ticket, text, actor=actor)
    return ticket


@transaction.atomic
def update_problem(ticket, *, actor, root_cause, workaround, known_error, expected_version=None):
    """A problem's root cause, workaround and known-error flag. A known error needs its
    workaround, which agents then see on matching incidents."""
    if ticket.kind != Kind.PROBLEM:
        raise ValidationError(_("%(ticket)s is not a problem.") % {"ticket": ticket.number})
    if known_error and not workaround.strip():
        raise ValidationError(
            {"workaround": _("A known error needs a workaround for the agents to use.")}
        )
    core.update_object(
        ticket,
        actor=actor,
        data={
            "root_cause": root_cause,
            "workaround": workaround,
            "known_error": known_error,
        },
        expected_version=expected_version,
    )
    return ticket


class BulkError(ValidationError):
    """Some tickets of a bulk action were refused; nothing was changed. `errors` lists
    (ticket number, messages)."""

    def __init__(self, errors):
        self.errors = errors
        lines = [f"{number}: {' '.join(messages)}" for number, messages in errors]
        super().__init__(lines, code="bulk")


def bulk_update(tickets, *, actor, status=None, assign=False, group=None, agent=None):
    """Assign and/or change the status of every ticket, all or nothing: when one ticket is
    refused, none changes and BulkError lists every refusal."""
    tickets = list(tickets)
    if not tickets:
        raise ValidationError(_("Select at least one ticket."))
    if status is None and not assign:
        raise ValidationError(_("Choose what to do with the selected tickets."))
    errors = []
    with transaction.atomic():
        for ticket in tickets:
            try:
                with transaction.atomic():
                    if assign:
                        services.assign(ticket, group=group, agent=agent, actor=actor)
                    if status is not None:
                        services.change_status(ticket, status, actor=actor)
            except (ValidationError, PermissionDenied) as exc:
                messages = getattr(exc, "messages", None) or [str(exc)]
                errors.append((ticket.number, messages))
        if errors:
            raise BulkError(errors)
    return tickets


def tickets_by_pk(pks, queryset=None):
    """The tickets of `pks` in the given order, for bulk actions."""
    queryset = queryset if queryset is not None else Ticket.objects.all()
    found = {t.pk: t for t in queryset.filter(pk__in=pks)}
    return [found[pk] for pk in pks if pk in found]
