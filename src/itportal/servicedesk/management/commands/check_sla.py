"""`manage.py check_sla [--now] [--all]`: recompute the SLA clocks of every open ticket and send
the warnings (enqueued for the task worker unless --now). `--all` recomputes resolved and closed
tickets too, after an SLA's targets or a calendar changed, so the SLA report counts by the new
rules; it runs here, not in the worker."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from itportal.servicedesk import tasks


class Command(BaseCommand):
    help = _("Recompute the SLA clocks of open tickets and warn before and at a breach.")

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help=_("run here, not in the worker"))
        parser.add_argument(
            "--all",
            action="store_true",
            dest="every",
            help=_(
                "every ticket, resolved and closed ones too (after an SLA or a calendar "
                "changed); runs here"
            ),
        )

    def handle(self, *args, now=False, every=False, **options):
        if not now and not every:
            result = tasks.check_sla.enqueue()
            self.stdout.write(_("Enqueued: %(id)s") % {"id": result.id})
            return
        result = tasks.run_check(every=every)
        self.stdout.write(
            _(
                "Checked %(checked)s tickets, %(changed)s changed, %(warnings)s warnings, "
                "%(breaches)s breaches."
            )
            % {
                "checked": result.checked,
                "changed": result.changed,
                "warnings": len(result.warnings),
                "breaches": len(result.breaches),
            }
        )
