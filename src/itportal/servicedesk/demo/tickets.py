"""Writing the tickets: their rows with the SLA fields, status changes, entries and counters."""

from itportal.servicedesk.choices import OPEN_STATUSES, Channel, Kind, Status
from itportal.servicedesk.demo.inserts import create_audited, datetime_adapter, insert, sqlite_cache
from itportal.servicedesk.demo.params import CHUNK, DAY
from itportal.servicedesk.models import StatusChange, Ticket, TicketCounter, TicketEntry
from itportal.servicedesk.sla import clocks


def ticket_str(row):
    return f"{row['number']} {row['title']}"  # Ticket.__str__


class Ticketish:
    """What sla.clocks() reads of a ticket."""

    __slots__ = ("opened_at", "status", "responded_at", "resolved_at")

    def __init__(self, opened_at, status, responded_at, resolved_at):
        self.opened_at = opened_at
        self.status = status
        self.responded_at = responded_at
        self.resolved_at = resolved_at


class Tickets:
    """Part of the Builder: the Ticket rows of the lived plans, inserted in chunks."""

    def ticket(self, plan, life):
        """The Ticket row ({attname: value}) of a lived plan, its SLA clocks computed as the
        breach task would."""
        now = self.now
        status = life.status
        agreement = self.agreements.find(plan.service.pk if plan.service else None, plan.priority)
        due = {
            "response_due": None,
            "resolution_due": None,
            "response_breached": False,
            "resolution_breached": False,
        }
        warned = None
        if agreement is not None:
            found = clocks(
                self.agreements.calendar(agreement),
                Ticketish(plan.opened, status, life.responded_at, life.resolved_at),
                agreement,
                [(s, at) for s, at, _by in life.statuses],
                now,
            )
            due = {
                "response_due": found.response_due,
                "resolution_due": found.resolution_due,
                "response_breached": found.response_breached,
                "resolution_breached": found.resolution_breached,
            }
            is_open = status in OPEN_STATUSES
            if is_open and (found.warning or found.response_breached or found.resolution_breached):
                warned = now
        if due["response_breached"] or due["resolution_breached"]:
            self.breached += 1
        if status in OPEN_STATUSES:
            self.open_count += 1
        meta = plan.meta or {}
        done = status in (Status.RESOLVED, Status.CLOSED)
        problem = plan.problem
        return {
            "number": plan.number,
            "kind": plan.kind,
            "title": plan.title,
            "description": plan.description,
            "channel": plan.channel,
            "requester_id": plan.requester.pk,
            "unit_id": plan.requester.unit_id,
            "service_id": plan.service.pk if plan.service else None,
            "system_id": plan.system,
            "device": plan.device,
            "impact": plan.impact,
            "urgency": plan.urgency,
            "priority": plan.priority,
            "status": status,
            "group_id": self.ctx.assignment_groups[life.group].pk if life.group else None,
            "agent_id": life.agent,
            "opened_at": plan.opened,
            "responded_at": life.responded_at,
            "resolved_at": life.resolved_at,
            "closed_at": life.closed_at,
            "sla_id": agreement.pk if agreement else None,
            "warned_at": warned,
            "problem_id": problem.pk if problem is not None else None,
            "root_cause": plan.template.root_cause if plan.kind == Kind.PROBLEM and done else "",
            "workaround": plan.template.workaround if meta.get("known_error") else "",
            "known_error": bool(meta.get("known_error")),
            "quantity": plan.quantity,
            "approval": life.approval,
            "approved_by_id": life.approved_by,
            "approved_at": life.approved_at,
            **due,
        }

    def write(self, plans, lives=None):
        """Live the plans (unless `lives` holds them already) and insert the tickets with their
        status changes and entries, a chunk at a time; audit rows for the tickets."""
        ctx = self.ctx
        adapt = datetime_adapter()
        for start in range(0, len(plans), CHUNK):
            chunk = [
                (plan, lives[id(plan)] if lives else self.live(plan))
                for plan in plans[start : start + CHUNK]
            ]
            rows = [self.ticket(plan, life) for plan, life in chunk]
            pks = create_audited(ctx, Ticket, rows, ticket_str)
            statuses, entries = [], []
            for pk, (plan, life) in zip(pks, chunk, strict=True):
                plan.pk = pk
                # An event entry shares its time with the status change: convert each once.
                times = {}
                for status, at, by in life.statuses:
                    times[id(at)] = value = adapt(at)
                    statuses.append((pk, status, value, by))
                for kind, at, author, email, body, channel in life.entries:
                    value = times.get(id(at)) or adapt(at)
                    entries.append((pk, kind, author, email, body, channel, value))
                recent = self.now - plan.opened < 45 * DAY
                if plan.channel == Channel.EMAIL and plan.kind == Kind.INCIDENT and recent:
                    self.recent_email.append(
                        (pk, plan.number, plan.title, plan.requester.email, plan.opened)
                    )
            ctx.created[StatusChange] += insert(
                StatusChange, ("ticket", "status", "at", "by"), statuses, prepared=True
            )
            ctx.created[TicketEntry] += insert(
                TicketEntry,
                ("ticket", "kind", "author", "author_email", "body", "channel", "created"),
                entries,
                prepared=True,
            )
            self.ticket_count += len(pks)

    def tickets(self):
        with sqlite_cache():
            self.write_tickets()

    def write_tickets(self):
        ctx = self.ctx
        plans = self.plan()
        problems = self.plan_problems(plans)
        self.number(plans + problems)
        problem_lives = {id(p): self.live(p) for p in problems}
        self.link_problems(problems, plans, problem_lives)
        self.write(problems, problem_lives)
        self.write(plans)
        ctx.problems = list(Ticket.objects.filter(kind=Kind.PROBLEM).order_by("opened_at", "pk"))
        self.save_counters()
        ctx.ticket_count = self.ticket_count
        ctx.open_ticket_count = self.open_count
        ctx.breached_ticket_count = self.breached

    def save_counters(self):
        for (prefix, year), last in sorted(self.counters.items()):
            counter, _created = TicketCounter.objects.get_or_create(prefix=prefix, year=year)
            if counter.last < last:
                counter.last = last
                counter.save(update_fields=["last"])
