"""`manage.py send_compliance_digest [--dry-run] [--now] [--base-url URL]`: the weekly digest.

Run it weekly from cron. By default it enqueues the task for the worker (`manage.py db_worker`);
`--now` sends in this process, `--dry-run` only lists who would receive what.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from itportal.registry import compliance
from itportal.registry.tasks import send_compliance_digest


class Command(BaseCommand):
    help = (
        "Send each person with governance findings to fix one e-mail listing them (weekly). "
        "Enqueued for the task worker unless --now or --dry-run is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("List the recipients and their number of findings; send nothing."),
        )
        parser.add_argument(
            "--now", action="store_true", help=_("Send in this process instead of enqueueing.")
        )
        parser.add_argument(
            "--base-url",
            default="",
            help=_("The portal's address for links in the e-mails, e.g. https://it.kommun.se"),
        )

    def handle(self, *args, dry_run, now, base_url, **options):
        if dry_run:
            recipients = compliance.findings_by_person(compliance.findings())
            for person, found in recipients.items():
                systems = sorted({f.system.name for f in found})
                self.stdout.write(
                    _("%(person)s <%(email)s>: %(count)s findings (%(systems)s)")
                    % {
                        "person": person,
                        "email": person.email,
                        "count": len(found),
                        "systems": ", ".join(systems),
                    }
                )
            self.stdout.write(_("%(count)s recipients.") % {"count": len(recipients)})
            return
        if now:
            sent = send_compliance_digest.call(base_url=base_url)
            self.stdout.write(_("%(count)s e-mails sent.") % {"count": sent})
            return
        result = send_compliance_digest.enqueue(base_url=base_url)
        self.stdout.write(_("Digest enqueued (task %(id)s).") % {"id": result.id})
