"""The service desk step of the demo: the Builder composes the parts and runs them in order."""

import datetime as dt

from django.utils.translation import gettext as _

from itportal.servicedesk.calendar import BusinessCalendar
from itportal.servicedesk.choices import DEFAULT_MATRIX, Status
from itportal.servicedesk.demo import clock
from itportal.servicedesk.demo.agents import Agents
from itportal.servicedesk.demo.articles import Articles
from itportal.servicedesk.demo.changes import Changes
from itportal.servicedesk.demo.intake import Intake
from itportal.servicedesk.demo.lives import Lives
from itportal.servicedesk.demo.planning import Planning
from itportal.servicedesk.demo.problems import Problems
from itportal.servicedesk.demo.tickets import Tickets
from itportal.servicedesk.models import SLA, Calendar, OpeningHours, PriorityRule
from itportal.servicedesk.sla_bulk import _Agreements


class Builder(Agents, Planning, Problems, Lives, Tickets, Changes, Articles, Intake):
    """The service desk step. The parts, one module each, share the builder's state: ctx, rng,
    now (the moment of the build), p (the profile's servicedesk parameters); reference() adds
    the desk calendar (desk, zone), the agreements and the priority matrix; Agents the groups'
    members, Planning the requesters and the templates."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.p = ctx.params("servicedesk")
        self.rng = ctx.rng
        self.now = clock.now()
        self.open_count = self.breached = self.ticket_count = 0
        self.recent_email = []  # (pk, number, title, requester e-mail, opened) for the intake
        # The services' texts of the events, translated once (hundreds of thousands of rows).
        self.status_text = {
            status: _("Status: %(status)s.") % {"status": status.label} for status in Status
        }
        self.assigned_text = _("Assigned to %(who)s.")
        self.approved_text = _("Approved.")
        self.rejected_text = _("Rejected.")

    # --- Reference data ----------------------------------------------------------------------
    def reference(self):
        """The on-call calendar and its SLAs; the matrix, the agreements and the desk calendar
        read once."""
        ctx = self.ctx
        services = getattr(ctx, "service_by_code", {})
        name = "Driftberedskap, dygnet runt"
        if not Calendar.objects.filter(name=name).exists():
            (calendar,) = ctx.create(
                [
                    Calendar(
                        name=name,
                        public_holidays=False,
                        closed_eves="",
                        time_zone="Europe/Stockholm",
                    )
                ]
            )
            ctx.create(
                [
                    OpeningHours(
                        calendar=calendar, weekday=day, opens=dt.time(0), closes=dt.time(0)
                    )
                    for day in range(7)
                ]
            )
            rows = []
            for code in ("NAT", "VS", "VS-STOR"):
                if code not in services:
                    continue
                for priority, response, resolution in ((1, 15, 4 * 60), (2, 30, 8 * 60)):
                    rows.append(
                        SLA(
                            service=services[code],
                            priority=priority,
                            response_minutes=response,
                            resolution_minutes=resolution,
                            calendar=calendar,
                        )
                    )
            ctx.create(rows)
        self.matrix = dict(DEFAULT_MATRIX)
        for impact, urgency, priority in PriorityRule.objects.values_list(
            "impact", "urgency", "priority"
        ):
            self.matrix[(impact, urgency)] = priority
        self.agreements = _Agreements()
        default = self.agreements.find(None, 5) or self.agreements.find(None, 3)
        self.desk = self.agreements.calendar(default) if default else BusinessCalendar()
        self.zone = self.desk.zone
        self.services = services

    def run(self):
        self.reference()
        self.agents()
        self.requesters()
        self.templates()
        self.tickets()
        self.changes()
        self.blackouts()
        self.articles()
        self.intake()


def build(ctx):
    """The service desk step: agents and groups, a year of tickets with their history and
    SLA clocks, problems, changes, blackouts, knowledge articles and incoming e-mail."""
    Builder(ctx).run()
