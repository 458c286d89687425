"""`manage.py chargeback_run --period YYYY-MM|YYYY-Qn [--organisation ID]`: create or
recompute the draft chargeback runs of a period and print their totals."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from itportal.catalogue.models import ITFeeRule, Subscription
from itportal.chargeback import services
from itportal.chargeback.exports import kronor
from itportal.core.context import change_context
from itportal.organisation.models import Organisation

ACTOR = "command:chargeback_run"


def organisations_to_bill():
    """Active organisations with subscriptions or an IT fee rule."""
    subscriptions = Subscription.objects.filter(unit__organisation=OuterRef("pk"))
    fees = ITFeeRule.objects.filter(organisation=OuterRef("pk"))
    return (
        Organisation.objects.filter(active=True)
        .filter(Exists(subscriptions) | Exists(fees))
        .order_by("name")
    )


class Command(BaseCommand):
    help = (
        "Create or recompute the draft chargeback run of a month or quarter, for one "
        "organisation or for every active organisation with subscriptions or an IT fee, and "
        "print the totals. Approved and closed runs are refused."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--period", required=True, help=_("A month as YYYY-MM or a quarter as YYYY-Qn.")
        )
        parser.add_argument(
            "--organisation", type=int, help=_("The organisation's id; default: all that pay.")
        )

    def handle(self, *args, period, organisation=None, **options):
        period = period.strip().upper()
        try:
            services.parse_period(period)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if organisation is not None:
            found = Organisation.objects.filter(pk=organisation).first()
            if found is None:
                raise CommandError(_("There is no organisation %(id)s.") % {"id": organisation})
            targets = [found]
        else:
            targets = list(organisations_to_bill())
            if not targets:
                raise CommandError(_("No active organisation has subscriptions or an IT fee."))
        refused = []
        with change_context(source="command"):
            for target in targets:
                try:
                    run = services.compute_run(target, period, actor=ACTOR)
                except ValidationError as exc:  # the others are still computed
                    refused.append(
                        _("%(organisation)s: %(reason)s")
                        % {"organisation": target, "reason": " ".join(exc.messages)}
                    )
                    continue
                self.stdout.write(
                    _(
                        "%(run)s (id %(id)s, %(state)s): %(lines)s lines, %(amount)s excl. VAT, "
                        "VAT %(vat)s, total %(total)s"
                    )
                    % {
                        "run": run,
                        "id": run.pk,
                        "state": run.get_state_display().lower(),
                        "lines": run.line_count,
                        "amount": kronor(run.total_amount),
                        "vat": kronor(run.total_vat),
                        "total": kronor(run.total),
                    }
                )
        if refused:
            raise CommandError("\n".join(refused))
