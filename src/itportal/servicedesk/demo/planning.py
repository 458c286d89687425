"""What each ticket is about, who asks, and when it comes in; the tickets' numbers."""

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from itertools import accumulate

from itportal.catalogue.choices import ServiceStatus
from itportal.registry.choices import Lifecycle
from itportal.registry.models import SystemUsage
from itportal.servicedesk.choices import PREFIX, Channel
from itportal.servicedesk.demo.incidents import INCIDENT_TEMPLATES
from itportal.servicedesk.demo.params import (
    AFTER_HOLIDAY,
    CENT,
    CHANNELS,
    DAY,
    DAYS,
    HOLIDAY_FACTOR,
    HOUR,
    KINDS,
    MONTH_FACTOR,
    OFF_HOURS,
    ORDER_SEASON,
    SCHOOL_START,
    WEEKDAY_FACTOR,
    WORKDAY_HOURS,
    weighted,
)
from itportal.servicedesk.demo.templates import (
    ONE,
    QUESTION_TEMPLATES,
    REQ,
    REQUEST_TEMPLATES,
    USED,
    Template,
)
from itportal.servicedesk.demo.texts import (
    ORDER_DESCRIPTIONS,
    ORDER_GROUPS,
    ORDER_SOLUTIONS,
    ORDERS,
)

TEMPLATES = (*INCIDENT_TEMPLATES, *REQUEST_TEMPLATES, *QUESTION_TEMPLATES)  # all but orders


class Plan:
    """One ticket to build: what it is about and, once lived, its history."""

    __slots__ = (
        "number",
        "kind",
        "template",
        "opened",
        "requester",
        "service",
        "system",
        "system_name",
        "title",
        "description",
        "device",
        "impact",
        "urgency",
        "priority",
        "channel",
        "quantity",
        "problem",
        "meta",
        "pk",
    )

    def __init__(self, kind, opened):
        self.kind = kind
        self.opened = opened
        self.template = self.service = self.system = self.problem = None
        self.meta = None
        self.system_name = self.device = self.title = self.description = ""
        self.quantity = self.pk = self.number = None


class Planning:
    """Part of the Builder: the requesters and the templates, then a Plan per ticket."""

    def requesters(self):
        ctx = self.ctx
        self.people = [p for p in ctx.people if p.active]
        self.person_by_pk = {p.pk: p for p in ctx.people}
        units = {u.pk: u for u in ctx.units}
        self.units = units
        # Systems in operation that each unit or a unit above it uses.
        usage = defaultdict(set)
        operating = {
            s.pk: s.name for s in getattr(ctx, "systems", ()) if s.lifecycle == Lifecycle.OPERATION
        }
        for unit_id, system_id in SystemUsage.objects.values_list("unit_id", "system_id"):
            if system_id in operating:
                usage[unit_id].add(system_id)
        self.system_names = operating
        core = [
            s.pk
            for name in ("E-post och kalender", "Intranätet", "Ekonomi 365", "HR-systemet")
            if (s := getattr(ctx, "system_by_name", {}).get(name)) is not None
        ]
        self.unit_systems = {}
        for unit in units.values():
            ids = set()
            for pk in unit.path.strip("/").split("/"):
                if pk:
                    ids |= usage.get(int(pk), set())
            self.unit_systems[unit.pk] = sorted(ids) or core
        # Who approves an order for the unit: the IT coordinator of its administration, else
        # the manager of the unit or the nearest unit above it with one.
        coordinators = getattr(ctx, "it_coordinators", {})
        self.approver = {}
        for unit in units.values():
            chain = [int(pk) for pk in unit.path.strip("/").split("/") if pk][::-1]
            found = None
            for pk in chain:
                if pk in coordinators:
                    found = (coordinators[pk], "IT-samordnare")
                    break
            if found is None:
                for pk in chain:
                    manager = units[pk].manager_id if pk in units else None
                    if manager in self.person_by_pk:
                        found = (self.person_by_pk[manager], "chef")
                        break
            self.approver[unit.pk] = found

    def templates(self):
        """Per kind and month: the templates and their cumulative weights."""
        orderable = {
            code: service
            for code, service in self.services.items()
            if service.orderable and service.status == ServiceStatus.ACTIVE
        }
        orders = []
        self.order_quantity = {}
        for code, weight, quantity, titles in ORDERS:
            if code not in orderable:
                continue
            group = ORDER_GROUPS.get(code, "client")
            orders.append(
                Template(
                    f"order:{code}",
                    REQ,
                    weight,
                    group,
                    titles,
                    ORDER_DESCRIPTIONS,
                    ORDER_SOLUTIONS,
                    service=code,
                    fcr=0,
                    urgency=(0.0, 0.2, 0.8),
                    impact=ONE,
                    waits=0.15,
                    third_party=0.8,
                    season=tuple(ORDER_SEASON.items()),
                )
            )
            self.order_quantity[code] = quantity
        usable = [t for t in (*TEMPLATES, *orders) if (not t.service or t.service in self.services)]
        self.by_kind_month = {}
        for kind, _share in KINDS:
            mine = [t for t in usable if t.kind == kind]
            for month in range(1, 13):
                weights = [t.weight * dict(t.season).get(month, 1.0) for t in mine]
                self.by_kind_month[(kind, month)] = (mine, list(accumulate(weights)))

    # --- Planning the tickets ------------------------------------------------------------------
    def slots(self):
        """Hour slots of the last year with the weight of each (see the module docstring)."""
        zone, now = self.zone, self.now
        today = now.astimezone(zone).date()
        day = today - dt.timedelta(days=DAYS)
        starts, weights = [], []
        after_holiday = False
        while day <= today:
            closed = self.desk.is_closed_day(day)
            holiday = closed and day.weekday() < 5
            factor = MONTH_FACTOR[day.month]
            factor *= HOLIDAY_FACTOR if holiday else WEEKDAY_FACTOR[day.weekday()]
            if not closed and after_holiday:
                factor *= AFTER_HOLIDAY
            if day.month == SCHOOL_START[0] and day.day >= SCHOOL_START[1]:
                factor *= SCHOOL_START[2]
            hours = OFF_HOURS if closed else WORKDAY_HOURS
            total = sum(hours)
            midnight = dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
            for hour, weight in enumerate(hours):
                start = midnight + hour * HOUR
                if start >= now:
                    break
                weight = factor * weight / total
                if start + HOUR > now:
                    weight *= (now - start) / HOUR
                starts.append(start)
                weights.append(weight)
            if holiday:
                after_holiday = True
            elif not closed:
                after_holiday = False
            day += DAY
        return starts, list(accumulate(weights))

    def plan(self):
        ctx, rng, now = self.ctx, self.rng, self.now
        count = ctx.scaled(self.p.get("tickets", 30_000))
        starts, cum = self.slots()
        picked = rng.choices(range(len(starts)), cum_weights=cum, k=count)
        opened = []
        for index in picked:
            start = starts[index]
            length = min(HOUR, now - start)
            opened.append(start + rng.random() * length)
        opened.sort()
        kinds, kind_weights = zip(*KINDS, strict=True)
        kind_cum = list(accumulate(kind_weights))
        plans = []
        for moment in opened:
            kind = rng.choices(kinds, cum_weights=kind_cum)[0]
            plan = Plan(kind, moment)
            local = moment.astimezone(self.zone)
            templates, cum_weights = self.by_kind_month[(kind, local.month)]
            self.fill(plan, rng.choices(templates, cum_weights=cum_weights)[0], local)
            plans.append(plan)
        self.give_logins_tickets(plans)
        return plans

    def fill(self, plan, template, local):
        rng = self.rng
        plan.template = template
        plan.requester = rng.choice(self.people)
        plan.service = self.services.get(template.service) if template.service else None
        if template.system == USED:
            plan.system = self.used_system(plan.requester.unit_id)
        elif template.system:
            found = getattr(self.ctx, "system_by_name", {}).get(template.system)
            plan.system = found.pk if found is not None else None
        plan.system_name = self.system_names.get(plan.system, template.system)
        if plan.system_name == USED:  # a register without systems
            plan.system_name = "verksamhetssystemet"
        service_name = plan.service.name if plan.service else ""
        plan.title = rng.choice(template.titles).format(
            system=plan.system_name, service=service_name
        )[:200]
        plan.description = rng.choice(template.descriptions)
        if template.device and rng.random() < 0.5:
            plan.device = template.device + "".join(
                rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _i in range(8)
            )
        plan.impact = 1 + rng.choices(range(3), weights=template.impact)[0]
        plan.urgency = 1 + rng.choices(range(3), weights=template.urgency)[0]
        plan.priority = self.matrix[(plan.impact, plan.urgency)]
        channel = weighted(rng, CHANNELS)
        if channel == Channel.AGENT and not self.desk.is_open(local):
            channel = Channel.PORTAL  # nobody answers the phone at night
        plan.channel = channel
        if template.key.startswith("order:"):  # orders come through the portal's form
            plan.channel = Channel.PORTAL
            low, high = self.order_quantity[template.service]
            plan.quantity = Decimal(rng.randint(low, high)).quantize(CENT)  # as stored

    def used_system(self, unit_id):
        """A system in operation that the unit (or one above it) uses; None without any."""
        systems = self.unit_systems.get(unit_id)
        return self.rng.choice(systems) if systems else None

    def give_logins_tickets(self, plans):
        """The demo logins "employee" and "coordinator" ask the desk now and then too: eight
        tickets over the year and the two latest of their own."""
        logins = getattr(self.ctx, "users", {})
        if not plans:
            return
        step = max(1, len(plans) // 8)
        for n, username in enumerate(("employee", "coordinator")):
            user = logins.get(username)
            person = next((p for p in self.people if user and p.user_id == user.pk), None)
            if person is None:
                continue
            picks = list(range((n * 7 + 3) % step, len(plans), step))
            picks += [len(plans) - 1 - n, len(plans) - 3 - n]
            for index in picks:
                if not 0 <= index < len(plans):
                    continue
                plan = plans[index]
                plan.requester = person
                if plan.template.system == USED:
                    plan.system = self.used_system(person.unit_id)
                    plan.system_name = self.system_names.get(plan.system, "")
                    plan.title = self.rng.choice(plan.template.titles).format(
                        system=plan.system_name, service=""
                    )[:200]

    def number(self, plans):
        """INC-2026-000123 per kind and year in order of opening. The year before this one
        starts where its months before the demo's first day would have left it."""
        first = self.now.astimezone(self.zone).date() - dt.timedelta(days=DAYS)
        per_prefix = Counter(PREFIX[p.kind] for p in plans)
        counters = {}
        for plan in sorted(plans, key=lambda p: p.opened):
            prefix = PREFIX[plan.kind]
            year = plan.opened.astimezone(self.zone).year
            key = (prefix, year)
            if key not in counters:
                before = (first - dt.date(year, 1, 1)).days if year == first.year else 0
                counters[key] = round(per_prefix[prefix] * max(0, before) / DAYS)
            counters[key] += 1
            plan.number = f"{prefix}-{year}-{counters[key]:06d}"
        self.counters = counters
