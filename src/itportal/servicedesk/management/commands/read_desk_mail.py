"""`manage.py read_desk_mail`: read the desk's IMAP mailbox; each unseen message becomes a
ticket or a reply (or is kept in the intake error list) and is moved to the folder
"Behandlade" or "Ej behandlade". Schedule it every few minutes from cron.

The mailbox comes from ITPORTAL_SERVICEDESK_IMAP_HOST, _PORT, _USER, _PASSWORD, _SSL and
_MAILBOX; the options override them.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from itportal.core.context import change_context
from itportal.servicedesk import intake
from itportal.servicedesk.imap import Mailbox, MailboxError

PROCESSED, FAILED = "Behandlade", "Ej behandlade"


class Command(BaseCommand):
    help = "Read the service desk's mailbox: new mail becomes tickets, replies become replies."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.SERVICEDESK_IMAP_HOST)
        parser.add_argument("--port", type=int, default=settings.SERVICEDESK_IMAP_PORT)
        parser.add_argument("--user", default=settings.SERVICEDESK_IMAP_USER)
        parser.add_argument("--mailbox", default=settings.SERVICEDESK_IMAP_MAILBOX)
        parser.add_argument("--no-ssl", action="store_true", help="plain IMAP (tests only)")
        parser.add_argument("--limit", type=int, default=100)

    def handle(self, *args, host, port, user, mailbox, no_ssl, limit, **options):
        if not host or not user:
            raise CommandError(
                "No mailbox: set ITPORTAL_SERVICEDESK_IMAP_HOST and _USER (or --host, --user)."
            )
        password = settings.SERVICEDESK_IMAP_PASSWORD
        use_ssl = settings.SERVICEDESK_IMAP_SSL and not no_ssl
        counts = {}
        try:
            with (
                Mailbox(host, port, user, password, ssl=use_ssl, mailbox=mailbox) as box,
                change_context(source="command"),
            ):
                for uid, raw in box.fetch_unseen(limit=limit):
                    record = intake.process(raw)
                    counts[record.outcome] = counts.get(record.outcome, 0) + 1
                    failed = record.outcome == intake.Outcome.FAILED
                    box.move_to(uid, FAILED if failed else PROCESSED)
                    if failed:
                        self.stderr.write(f"{record.sender}: {record.subject}: {record.error}")
        except MailboxError as exc:
            raise CommandError(str(exc)) from None
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "no new mail"
        self.stdout.write(summary)
