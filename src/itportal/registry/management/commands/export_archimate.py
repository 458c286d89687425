"""`manage.py export_archimate FILE`: write the system register as an ArchiMate Model Exchange
File ("-" writes to standard output)."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from itportal.registry import archimate


class Command(BaseCommand):
    help = (
        "Export the system register (systems, integrations, capabilities and the units that own "
        "and use the systems) as an ArchiMate Model Exchange File, valid against The Open "
        "Group's XSDs and readable by Archi."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The file to write; - for standard output."))

    def handle(self, *args, file, **options):
        started = time.monotonic()
        data = archimate.export_model()
        elapsed = time.monotonic() - started
        if file == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return
        try:
            with open(file, "wb") as out:
                out.write(data)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}
            ) from None
        counts = ", ".join(f"{label}: {n:,}" for label, n in archimate.export_counts().items())
        self.stdout.write(
            self.style.SUCCESS(
                _("Exported to %(file)s in %(seconds).1f s (%(counts)s).")
                % {"file": file, "seconds": elapsed, "counts": counts}
            )
        )
