"""Write the change calendar as an iCalendar file (the same as the feed /desk/changes/calendar.ics),
e.g. for a web server or a shared folder that calendar clients subscribe to without a login."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from itportal.servicedesk import ical


class Command(BaseCommand):
    help = "Write the change calendar (changes and blackout periods) as an iCalendar file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the .ics file ('-' for standard output).")
        parser.add_argument(
            "--base-url",
            default="",
            help="The portal's address, e.g. https://itportalen.kommun.se, for each event's URL.",
        )

    def handle(self, *args, file, base_url, **options):
        base = base_url.rstrip("/")
        body = ical.build_calendar(absolute_url=(lambda path: base + path) if base else None)
        if file == "-":
            self.stdout.write(body.decode("utf-8"), ending="")
            return
        path = Path(file)
        if not path.parent.exists():
            raise CommandError(f"The folder {path.parent} does not exist.")
        path.write_bytes(body)
        events = body.count(b"BEGIN:VEVENT")
        self.stdout.write(f"Wrote {events} events to {path}.")
