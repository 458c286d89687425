"""`manage.py compliance [--format json|text] [--administration PK]`: print the rule findings."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from itportal.organisation.models import OrgUnit
from itportal.registry import compliance


class Command(BaseCommand):
    help = (
        "Check the system register against the governance rules and print every finding, with "
        "the people who must act on it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--format",
            choices=("json", "text"),
            default="text",
            help=_("json: a list of findings; text: one line per finding (default)."),
        )
        parser.add_argument(
            "--administration",
            type=int,
            metavar="PK",
            help=_("Only the systems owned by this org unit and the units below it."),
        )

    def handle(self, *args, format, administration, **options):
        systems = None
        if administration is not None:
            unit = OrgUnit.objects.filter(pk=administration).first()
            if unit is None:
                raise CommandError(_("No org unit has the id %(pk)s.") % {"pk": administration})
            systems = compliance.systems_under(unit)
        found = compliance.findings(systems)
        if format == "json":
            data = [compliance.as_dict(f) for f in found]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        for f in found:
            people = ", ".join(f"{p} <{p.email}>" for p in f.must_act) or "–"
            admin = f.administration.name if f.administration else "–"
            self.stdout.write(
                f"[{f.severity}] {f.rule} · {f.system.name} ({admin}): {f.message} "
                + _("Must act: %(people)s") % {"people": people}
            )
        self.stdout.write(_("%(count)s findings.") % {"count": len(found)})
