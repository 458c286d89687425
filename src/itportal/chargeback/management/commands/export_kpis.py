"""`manage.py export_kpis [--organisation ID] [--output FILE]`: our cost KPIs as JSON in the
exchange format (docs/kpi-exchange.md)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from itportal.chargeback import kpis
from itportal.organisation.models import Organisation


class Command(BaseCommand):
    help = (
        "Write the organisation's cost KPIs (ITK001–ITK006 per year) as a Kolada-shaped JSON "
        "document for other municipalities to import."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation",
            type=int,
            metavar="ID",
            help=_("The organisation's id; default: the municipality."),
        )
        parser.add_argument(
            "--output", metavar="FILE", help=_("Write to FILE instead of standard output.")
        )

    def handle(self, *args, organisation=None, output=None, **options):
        if organisation is not None:
            found = Organisation.objects.filter(pk=organisation).first()
            if found is None:
                raise CommandError(_("There is no organisation %(id)s.") % {"id": organisation})
        else:
            found = kpis.default_organisation()
            if found is None:
                raise CommandError(_("There is no organisation."))
        if not found.municipality_code:
            raise CommandError(
                _("%(name)s has no municipality code; the exchange format needs one.")
                % {"name": found.name}
            )
        document = kpis.exchange_document(found)
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        if output:
            try:
                with open(output, "w", encoding="utf-8") as handle:
                    handle.write(text)
            except OSError as exc:
                raise CommandError(
                    _("Cannot write %(file)s: %(reason)s")
                    % {"file": output, "reason": exc.strerror}
                ) from None
            self.stderr.write(
                _("%(count)s values of %(name)s written to %(file)s.")
                % {"count": document["count"], "name": found.name, "file": output}
            )
        else:
            self.stdout.write(text, ending="")
