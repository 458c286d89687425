"""`manage.py chargeback_export RUN_ID --format csv|xlsx|pdf|sie --output FILE`: write a
chargeback run as a file ("-" writes to standard output)."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from itportal.chargeback import exports
from itportal.chargeback.models import ChargebackRun


class Command(BaseCommand):
    help = (
        "Export a chargeback run: its lines as CSV or XLSX, the invoice basis per "
        "administration and company as PDF, or an SIE 4 file for the finance system."
    )

    def add_arguments(self, parser):
        parser.add_argument("run", help=_("The run's id."))
        parser.add_argument("--format", required=True, dest="fmt", help=", ".join(exports.FORMATS))
        parser.add_argument(
            "--output", required=True, help=_("The file to write; - for standard output.")
        )

    def handle(self, *args, run, fmt, output, **options):
        fmt = fmt.lower()
        if fmt not in exports.FORMATS:
            raise CommandError(
                _("Unknown format “%(format)s”; choose one of %(formats)s.")
                % {"format": fmt, "formats": ", ".join(exports.FORMATS)}
            )
        found = None
        if run.isdigit():
            found = ChargebackRun.objects.select_related("organisation").filter(pk=run).first()
        if found is None:
            raise CommandError(_("There is no chargeback run %(id)s.") % {"id": run})
        body, _type, _name = exports.export_run(found, fmt)
        if output == "-":
            sys.stdout.buffer.write(body)
            sys.stdout.flush()
            return
        try:
            with open(output, "wb") as out:
                out.write(body)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": output, "reason": exc.strerror}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("%(run)s written to %(file)s (%(format)s, %(lines)s lines, total %(total)s).")
                % {
                    "run": found,
                    "file": output,
                    "format": fmt.upper(),
                    "lines": found.line_count,
                    "total": exports.kronor(found.total),
                }
            )
        )
