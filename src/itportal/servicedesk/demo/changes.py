"""Changes with their approvals, and blackout periods."""

import datetime as dt
from collections import Counter

from itportal.registry.choices import Lifecycle
from itportal.registry.models import Integration
from itportal.servicedesk import changes as change_rules
from itportal.servicedesk.demo.params import DAY, DAYS, HOUR, MINUTE, RISKS, weighted
from itportal.servicedesk.demo.texts import BACKOUT, CHANGE_TITLES, HUB_CHANGE, MONTHS
from itportal.servicedesk.models import (
    Blackout,
    Change,
    ChangeApproval,
    ChangeKind,
    ChangeRisk,
    ChangeStatus,
    Decision,
    TicketCounter,
)
from itportal.servicedesk.models_change import CHANGE_PREFIX


class Changes:
    """Part of the Builder: changes (with the registry's approvals) and blackouts."""

    def at_local(self, day, hour, minute=0):
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.zone)

    def five_hubs(self):
        """The five systems with the most integrations, in and out (ties: lowest id)."""
        degree = Counter()
        for source, target in Integration.objects.order_by().values_list("source_id", "target_id"):
            degree[source] += 1
            degree[target] += 1
        return sorted(sorted(degree, key=lambda k: (-degree[k], k))[:5])

    def changes(self):
        ctx, rng, now = self.ctx, self.rng, self.now
        systems = [s for s in getattr(ctx, "systems", ()) if s.lifecycle == Lifecycle.OPERATION]
        if not systems:
            ctx.demo_changes = []
            return
        today = now.astimezone(self.zone).date()
        requesters = [pk for key in ("servers", "systems", "network") for pk in self.members[key]]
        rows, named = [], []
        for _i in range(ctx.scaled(self.p.get("changes", 30), minimum=6)):
            kind = weighted(
                rng,
                (
                    (ChangeKind.STANDARD, 0.35),
                    (ChangeKind.NORMAL, 0.55),
                    (ChangeKind.EMERGENCY, 0.1),
                ),
            )
            emergency = kind == ChangeKind.EMERGENCY
            offset = rng.uniform(-330, -1) if emergency else rng.uniform(-330, 45)
            day = today + dt.timedelta(days=round(offset))
            while day.weekday() >= 5 and not emergency:
                day += DAY
            hour = rng.randint(7, 16) if emergency else rng.choice((17, 18, 19, 20))
            start = self.at_local(day, hour, rng.choice((0, 15, 30)))
            end = start + dt.timedelta(minutes=rng.choice((30, 60, 90, 120, 180, 240)))
            chosen = rng.sample(systems, min(len(systems), rng.choice((1, 1, 1, 2, 2, 3))))
            template = rng.choice(CHANGE_TITLES[kind])
            title = template.format(
                system=chosen[0].name,
                other=chosen[-1].name,
                month=MONTHS[start.month - 1],
            )
            status = self.change_status(kind, start, end)
            rows.append(self.change_row(kind, title, start, end, status, rng.choice(requesters)))
            named.append(chosen)
        hubs = self.five_hubs()
        if len(hubs) == 5:
            start = self.at_local(today + dt.timedelta(days=23), 18)
            while start.weekday() >= 5:
                start += DAY
            rows.append(
                self.change_row(
                    ChangeKind.NORMAL,
                    HUB_CHANGE,
                    start,
                    start + 4 * HOUR,
                    ChangeStatus.SUBMITTED,
                    rng.choice(requesters),
                    risk=ChangeRisk.HIGH,
                )
            )
            by_pk = {s.pk: s for s in getattr(ctx, "systems", ())}
            named.append([by_pk[pk] for pk in hubs if pk in by_pk])
        order = sorted(range(len(rows)), key=lambda i: rows[i].planned_start)
        rows = [rows[i] for i in order]
        named = [named[i] for i in order]
        counters = Counter()
        for change in rows:
            year = (change.submitted_at or change.planned_start).astimezone(self.zone).year
            counters[year] += 1
            change.number = f"{CHANGE_PREFIX}-{year}-{counters[year]:06d}"
        ctx.create(rows)
        through = Change.systems.through
        through.objects.bulk_create(
            [
                through(change_id=change.pk, system_id=system.pk)
                for change, chosen in zip(rows, named, strict=True)
                for system in chosen
            ]
        )
        self.approvals(rows)
        for year, last in counters.items():
            counter, _created = TicketCounter.objects.get_or_create(prefix=CHANGE_PREFIX, year=year)
            if counter.last < last:
                counter.last = last
                counter.save(update_fields=["last"])
        ctx.demo_changes = rows

    def change_status(self, kind, start, end):
        rng, now = self.rng, self.now
        if end < now:
            if kind == ChangeKind.EMERGENCY:
                return ChangeStatus.IMPLEMENTED if rng.random() < 0.9 else ChangeStatus.FAILED
            return weighted(
                rng,
                (
                    (ChangeStatus.IMPLEMENTED, 0.85),
                    (ChangeStatus.FAILED, 0.04),
                    (ChangeStatus.REJECTED, 0.05 if kind == ChangeKind.NORMAL else 0),
                    (ChangeStatus.CANCELLED, 0.06),
                ),
            )
        if kind == ChangeKind.STANDARD:
            return ChangeStatus.APPROVED if rng.random() < 0.8 else ChangeStatus.DRAFT
        return weighted(
            rng,
            (
                (ChangeStatus.DRAFT, 0.25),
                (ChangeStatus.SUBMITTED, 0.4),
                (ChangeStatus.APPROVED, 0.35),
            ),
        )

    def change_row(self, kind, title, start, end, status, requester, risk=None):
        rng, now = self.rng, self.now
        submitted = None
        if status != ChangeStatus.DRAFT:
            lead = (
                HOUR * rng.uniform(1, 3)
                if kind == ChangeKind.EMERGENCY
                else DAY * rng.uniform(3, 14)
            )
            submitted = min(start - lead, now - HOUR * rng.uniform(1, 48))
        implemented = None
        result = ""
        if status in (ChangeStatus.IMPLEMENTED, ChangeStatus.FAILED):
            implemented = end - MINUTE * rng.randint(0, 25)
            result = (
                "Genomförd enligt plan; verifierad av systemförvaltaren."
                if status == ChangeStatus.IMPLEMENTED
                else "Avbruten: tjänsten startade inte efter uppgraderingen. Återställd från "
                "ögonblicksbilden; ny tid planeras."
            )
        elif status == ChangeStatus.CANCELLED:
            result = "Inställd: leverantören flyttade releasen."
        if risk is None:
            risk = {
                ChangeKind.STANDARD: ChangeRisk.LOW,
                ChangeKind.EMERGENCY: ChangeRisk.HIGH,
            }.get(
                kind,
                weighted(rng, RISKS),
            )
        return Change(
            title=title[:200],
            description="Ändringen planeras utanför kontorstid för att störa verksamheterna så "
            "lite som möjligt.",
            kind=kind,
            status=status,
            risk=risk,
            requested_by_id=requester,
            planned_start=start,
            planned_end=end,
            submitted_at=submitted,
            implemented_at=implemented,
            result=result,
            backout_plan=BACKOUT,
        )

    def approvals(self, rows):
        """The approvals changes.derive_approvals asks for, decided as the status says."""
        from itportal.registry import graph as registry_graph

        rng, now = self.rng, self.now
        graph = registry_graph.load_graph()
        admin = getattr(self.ctx, "users", {}).get("admin")
        cab = self.members["cab"]
        made = []
        for change in rows:
            if change.status == ChangeStatus.DRAFT or change.kind == ChangeKind.STANDARD:
                continue
            on = change.submitted_at.astimezone(self.zone).date()
            specs = change_rules.derive_approvals(change, graph=graph, on=on)
            emergency = change.kind == ChangeKind.EMERGENCY
            rejected_one = change.status == ChangeStatus.REJECTED
            for spec in specs:
                approval = ChangeApproval(
                    change=change,
                    approver=spec.user,
                    person=spec.person,
                    board=spec.board,
                    reason=spec.reason[:300],
                    after_the_fact=emergency,
                )
                if emergency:
                    decided = (change.implemented_at or change.planned_end) + DAY * rng.uniform(
                        0.2, 3
                    )
                elif change.status == ChangeStatus.SUBMITTED:
                    decided = (
                        None
                        if rng.random() < 0.7
                        else change.submitted_at + DAY * rng.uniform(0.1, 2)
                    )
                else:
                    until = min(change.planned_start, now - MINUTE)
                    span = max(0.0, (until - change.submitted_at).total_seconds())
                    decided = change.submitted_at + dt.timedelta(
                        seconds=span * rng.uniform(0.1, 0.9)
                    )
                if decided is not None and decided < now:
                    if spec.board is not None:
                        deciders = [pk for pk in cab if pk != change.requested_by_id]
                        decided_by = rng.choice(deciders) if deciders else None
                    elif spec.user is not None:
                        decided_by = spec.user.pk
                    else:  # an owner without a login: the IT administrator records it
                        decided_by = admin.pk if admin else None
                    approval.decision = Decision.APPROVED
                    if rejected_one:
                        approval.decision = Decision.REJECTED
                        approval.comment = "Krockar med lönekörningen; planera om efter den 26:e."
                        rejected_one = False
                    approval.decided_at = decided
                    approval.decided_by_id = decided_by
                made.append(approval)
        self.ctx.create(made)

    def blackouts(self):
        ctx = self.ctx
        today = self.now.astimezone(self.zone).date()
        first = today - dt.timedelta(days=DAYS)
        last = today + dt.timedelta(days=90)
        by_name = getattr(ctx, "system_by_name", {})

        def systems(*names):
            return [by_name[n] for n in names if n in by_name]

        rows, named = [], []

        def add(name, description, start, end, chosen):
            if end > self.at_local(first, 0) and start < self.at_local(last, 0):
                rows.append(Blackout(name=name, description=description, start=start, end=end))
                named.append(chosen)

        payroll = systems("Lönesystemet", "HR-systemet", "Ekonomi 365")
        month = dt.date(first.year, first.month, 1)
        while month <= last:
            add(
                f"Lönekörning {MONTHS[month.month - 1]} {month.year}",
                "Lönekörningen: inga ändringar i lön, HR och ekonomi.",
                self.at_local(month.replace(day=23), 16),
                self.at_local(month.replace(day=26), 8),
                payroll,
            )
            month = (month + dt.timedelta(days=32)).replace(day=1)
        for year in range(first.year, last.year + 1):
            add(
                f"Årsbokslut {year - 1}",
                "Bokslutsarbetet: ekonomisystemet hålls oförändrat.",
                self.at_local(dt.date(year, 1, 2), 0),
                self.at_local(dt.date(year, 2, 20), 0),
                systems("Ekonomi 365", "Kundfakturering"),
            )
            add(
                f"Skolstart {year}",
                "Skolstarten: inga ändringar i skolans system, klienter och nät.",
                self.at_local(dt.date(year, 8, 4), 0),
                self.at_local(dt.date(year, 8, 29), 0),
                systems("Skolwebben", "Elevregistret", "Klientplattform", "Nätverk (LAN och WLAN)"),
            )
            add(
                f"Ändringsstopp jul och nyår {year}",
                "Bemanningen är låg över helgerna: inga ändringar alls.",
                self.at_local(dt.date(year, 12, 18), 17),
                self.at_local(dt.date(year + 1, 1, 7), 8),
                [],
            )
        ctx.create(rows)
        through = Blackout.systems.through
        through.objects.bulk_create(
            [
                through(blackout_id=row.pk, system_id=system.pk)
                for row, chosen in zip(rows, named, strict=True)
                for system in chosen
            ]
        )
        ctx.blackouts = rows
