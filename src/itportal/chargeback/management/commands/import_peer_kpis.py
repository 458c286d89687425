"""`manage.py import_peer_kpis FILE... [--dry-run]`: import other municipalities' KPI files
(docs/kpi-exchange.md), all or nothing."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from itportal.chargeback import benchmark
from itportal.core.context import change_context

ACTOR = "command:import_peer_kpis"


class Command(BaseCommand):
    help = (
        "Import peers' KPI files (Kolada-shaped JSON) for benchmarking. A value for the same "
        "KPI, municipality, year and gender replaces the stored one. With any error nothing "
        "is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help=_("KPI files (JSON)."))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Only report what would be imported.")
        )

    def handle(self, *args, files, dry_run, **options):
        loaded = []
        for path in files:
            try:
                with open(path, "rb") as handle:
                    loaded.append((os.path.basename(path), handle.read()))
            except OSError as exc:
                raise CommandError(
                    _("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": exc.strerror}
                ) from None
        try:
            with change_context(source="command"):
                result = benchmark.import_peer_files(loaded, actor=ACTOR, dry_run=dry_run)
        except benchmark.PeerFileError as exc:
            raise CommandError("\n".join([_("Nothing was imported:"), *exc.messages])) from None
        if options["verbosity"] > 1:
            for e in result.entries:
                old = f" ({e.old_value})" if e.action == "replace" else ""
                self.stdout.write(
                    f"  {e.source} {e.index}: {e.kpi} {e.municipality} {e.period} {e.gender} "
                    f"{e.value} {e.action}{old}"
                )
        summary = (
            _("%(new)s new, %(replace)s replaced, %(unchanged)s unchanged values.") % result.summary
        )
        if result.skipped:
            summary += " " + _("%(count)s entries without a value left out.") % {
                "count": result.skipped
            }
        if dry_run:
            summary = _("Dry run, nothing written: %(summary)s") % {"summary": summary}
        self.stdout.write(summary)
