"""`manage.py demo --profile small|large --seed N [--if-empty]`: build the demo municipal group."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from itportal.core.context import change_context
from itportal.demo.profiles import PROFILES, STEPS, DemoContext
from itportal.organisation.models import Organisation


class Command(BaseCommand):
    # argparse needs a plain string here (a lazy one breaks `--help`); the options' help texts
    # are translated when the parser is built.
    help = (
        "Build one coherent, deterministic demo municipal group: organisations, units, people, "
        "bodies, vendors, logins and whatever the other apps add. The same profile and seed "
        "always give the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--profile",
            choices=sorted(PROFILES),
            default="small",
            help=_("small: a mid-sized municipality; large: a big city group."),
        )
        parser.add_argument("--seed", type=int, default=1, help=_("Random seed (default 1)."))
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Do nothing when the database already holds organisations."),
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help=_("Multiply the profile's sizes (for tests; 0.05 builds a twentieth of it)."),
        )

    def handle(self, *args, profile, seed, if_empty, scale, **options):
        if Organisation.objects.exists():
            if if_empty:
                self.stdout.write(
                    _("The database already holds organisations; no demo data loaded.")
                )
                return
            raise CommandError(
                _(
                    "The database already holds organisations. The demo data is built into an "
                    "empty register; use --if-empty to skip quietly."
                )
            )
        if not 0 < scale <= 10:
            raise CommandError(_("--scale must lie between 0 and 10."))

        ctx = DemoContext(PROFILES[profile], seed, scale=scale)
        started = time.monotonic()
        with change_context(source="command"), transaction.atomic():
            for step in STEPS:
                ctx.seed_step(step)
                import_string(step)(ctx)
                ctx.flush_audit()
        elapsed = time.monotonic() - started

        self.stdout.write(
            self.style.SUCCESS(
                _("Demo data built: profile %(profile)s, seed %(seed)s, in %(seconds).1f s.")
                % {"profile": profile, "seed": seed, "seconds": elapsed}
            )
        )
        for model, count in ctx.created.items():
            self.stdout.write(f"  {model._meta.verbose_name_plural}: {count:,}")
        if ctx.logins:
            self.stdout.write("")
            self.stdout.write(
                _("Demo logins (password for all: %(password)s):") % {"password": ctx.password}
            )
            width = max(len(username) for username, _description in ctx.logins)
            for username, description in ctx.logins:
                self.stdout.write(f"  {username.ljust(width)}  {description}")
