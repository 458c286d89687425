"""`manage.py import_archimate FILE [--dry-run] [--default-unit UNIT]`: import an ArchiMate Model
Exchange File into the system register, all or nothing."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from itportal.core.context import change_context
from itportal.registry import archimate

ACTOR = "command:import_archimate"


class Command(BaseCommand):
    help = (
        "Import an ArchiMate Model Exchange File (e.g. from Archi) into the system register: "
        "ApplicationComponents as systems, Flows as integrations, Serving relationships to "
        "BusinessActors as usage, Capabilities. Creates and updates, never deletes; with any "
        "error nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The exchange file (XML) to import."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Only report what would be created and updated; write nothing."),
        )
        parser.add_argument(
            "--default-unit",
            metavar="UNIT",
            default="",
            help=_(
                "Cost centre (or id:<id>) of the unit that owns new systems the file gives no "
                "owner."
            ),
        )

    def handle(self, *args, file, dry_run, default_unit, **options):
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}
            ) from None
        try:
            unit = archimate.find_unit(default_unit)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        try:
            with change_context(source="command"):
                result = archimate.import_model(
                    data, actor=ACTOR, dry_run=dry_run, default_unit=unit
                )
        except archimate.ArchimateFileError as exc:
            raise CommandError(
                "\n".join([_("%(file)s cannot be imported:") % {"file": file}, *exc.messages])
            ) from None
        for label, created, updated, unchanged in result.by_kind:
            self.stdout.write(
                _("%(kind)s: %(created)s to create, %(updated)s to update, %(unchanged)s unchanged")
                % {
                    "kind": str(label).capitalize(),
                    "created": created,
                    "updated": updated,
                    "unchanged": unchanged,
                }
            )
        for kind, count in result.ignored_items:
            self.stdout.write(_("Left out: %(kind)s × %(count)s") % {"kind": kind, "count": count})
        if options["verbosity"] > 1:
            for outcome in result.changes:
                self.stdout.write(
                    f"  {outcome.action}: {outcome.kind_label} {outcome.label} "
                    f"({outcome.identifier}) {', '.join(outcome.fields)}"
                )
        if result.errors:
            raise CommandError(
                "\n".join(
                    [
                        _("Nothing was imported: %(count)s problems.")
                        % {"count": len(result.errors)},
                        *result.errors,
                    ]
                )
            )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
            return
        message = _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
        self.stdout.write(self.style.SUCCESS(message % result.summary))
