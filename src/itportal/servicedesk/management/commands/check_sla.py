"""`manage.py check_sla [--now]`: recompute the SLA clocks of every open ticket and send the
warnings (enqueued for the task worker unless --now)."""

from django.core.management.base import BaseCommand

from itportal.servicedesk import tasks


class Command(BaseCommand):
    help = "Recompute the SLA clocks of open tickets and warn before and at a breach."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="run here, not in the worker")

    def handle(self, *args, now=False, **options):
        if not now:
            result = tasks.check_sla.enqueue()
            self.stdout.write(f"Enqueued: {result.id}")
            return
        result = tasks.run_check()
        self.stdout.write(
            f"Checked {result.checked} open tickets, {result.changed} changed, "
            f"{len(result.warnings)} warnings, {len(result.breaches)} breaches."
        )
