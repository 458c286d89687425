"""`manage.py compliance_snapshot [--enqueue]`: store today's finding counts for the trend."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from itportal.registry.tasks import write_compliance_snapshot


class Command(BaseCommand):
    help = (
        "Store today's number of findings per rule and administration (run daily; running "
        "it again the same day replaces the day's snapshot)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help=_("Leave the work to the task worker.")
        )

    def handle(self, *args, enqueue, **options):
        if enqueue:
            result = write_compliance_snapshot.enqueue()
            self.stdout.write(_("Snapshot enqueued (task %(id)s).") % {"id": result.id})
            return
        rows = write_compliance_snapshot.call()
        self.stdout.write(_("Snapshot written: %(rows)s rows.") % {"rows": rows})
