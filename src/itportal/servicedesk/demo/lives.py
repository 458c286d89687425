"""A ticket's life on the desk's business hours, cut off at the moment of the build."""

import datetime as dt
from dataclasses import dataclass

from itportal.servicedesk.choices import Approval, Channel, EntryKind, Kind, Status
from itportal.servicedesk.demo.params import (
    ANSWER_HOURS,
    APPROVAL_MINUTES,
    BUSINESS_DAY,
    CLOSE_AFTER,
    DAY,
    HOUR,
    KIND_FACTOR,
    MINUTE,
    NO_ANSWER_AFTER,
    REJECTED,
    REOPENED,
    RESOLUTION_SHARE,
    RESPONSE_SHARE,
    SECOND,
    SILENT,
    lognormal,
)
from itportal.servicedesk.demo.texts import (
    ANSWERS,
    DELIVERY_REPLY,
    FIRST_REPLIES,
    KNOWN_ERROR_SOLUTION,
    NOTES,
    ORDER_REPLIES,
    PROBLEM_SOLVED,
    QUESTIONS,
    REFERENCE_PREFIX,
    REOPEN_TEXTS,
    RESOLUTION_PREFIX,
    SILENT_CLOSE,
    VENDOR_NOTES,
)


@dataclass
class Life:
    """A ticket's history up to the build: statuses, entries and the fields they set."""

    statuses: list  # (status, at, by user id)
    entries: list  # (kind, at, author id, author e-mail, body, channel)
    group: object = None
    agent: object = None
    responded_at: object = None
    resolved_at: object = None
    closed_at: object = None
    approval: str = Approval.NOT_NEEDED
    approved_by: object = None
    approved_at: object = None

    @property
    def status(self):
        return self.statuses[-1][0]


class Lives:
    """Part of the Builder: a Plan's history (statuses, entries, the fields they set)."""

    def live(self, plan):
        """The ticket's whole history, also what lies after the build (cut off afterwards)."""
        rng = self.rng
        template = plan.template
        kind = plan.kind
        problem = kind == Kind.PROBLEM
        order = plan.quantity is not None
        agreement = self.agreements.find(plan.service.pk if plan.service else None, plan.priority)
        cal = self.agreements.calendar(agreement) if agreement else self.desk
        response_target = agreement.response_minutes if agreement else 4 * 60
        resolution_target = agreement.resolution_minutes if agreement else 3 * BUSINESS_DAY
        opened = plan.opened
        requester = plan.requester
        requester_user = requester.user_id
        group = template.group
        agent = plan.meta["agent"] if problem else self.pick(group)
        first_line = self.pick("first_line") if group != "first_line" else agent
        opener = {
            Channel.AGENT: agent if problem else first_line,
            Channel.PORTAL: requester_user,
        }.get(plan.channel)
        statuses = [(Status.NEW, opened, opener)]
        entries = []
        sets = []  # (at, field, value)
        answered = []
        first = requester.first_name

        def add(start, minutes):
            return cal.add(start, dt.timedelta(minutes=minutes))

        def status(value, at, by, note=""):
            at = max(at, statuses[-1][1] + SECOND)
            statuses.append((value, at, by))
            text = self.status_text[value]
            entries.append((EntryKind.EVENT, at, by, "", f"{text} {note}".strip(), Channel.AGENT))
            if value == Status.RESOLVED:
                sets.append((at, "resolved_at", at))
                if not answered:
                    answered.append(at)
                    sets.append((at, "responded_at", at))
            elif value == Status.CLOSED:
                sets.append((at, "closed_at", at))
            elif statuses[-2][0] == Status.RESOLVED:
                sets.append((at, "resolved_at", None))
            return at

        def reply(at, author, body):
            entries.append((EntryKind.REPLY, at, author, "", body, Channel.AGENT))
            if not answered:
                answered.append(at)
                sets.append((at, "responded_at", at))

        def requester_says(at, body):
            email = "" if requester_user else requester.email
            channel = Channel.PORTAL if requester_user else Channel.EMAIL
            entries.append((EntryKind.REPLY, at, requester_user, email, body, channel))

        def assign(at, who, group_key):
            sets.append((at, "group", group_key))
            sets.append((at, "agent", who))
            name = self.usernames.get(who) or self.ctx.assignment_groups[group_key].name
            text = self.assigned_text % {"who": name}
            entries.append((EntryKind.EVENT, at, first_line, "", text, Channel.AGENT))

        if problem:
            solution = PROBLEM_SOLVED.format(root_cause=template.root_cause)
        else:
            solution = rng.choice(template.solutions)
        linked = plan.problem
        if linked is not None and linked.meta["known_error"] and linked.opened < opened:
            solution = KNOWN_ERROR_SOLUTION.format(
                number=linked.number, workaround=linked.template.workaround
            )
        response = response_target * lognormal(rng, *RESPONSE_SHARE)
        share = lognormal(rng, *RESOLUTION_SHARE.get(plan.priority, (0.45, 0.45)))
        work = resolution_target * share * KIND_FACTOR[kind]
        work = max(work, response + 5)
        fcr_share = 0 if problem else template.fcr * (1.3 if plan.channel == Channel.AGENT else 1)
        silent_close = rejected = False

        if not problem and not order and rng.random() < min(0.95, fcr_share):
            # Solved at the first contact: on the phone, or at the first look.
            if plan.channel == Channel.AGENT:
                start = opened + MINUTE
                done = opened + dt.timedelta(minutes=rng.uniform(3, 15))
            else:
                start = add(opened, response)
                done = add(start, rng.uniform(3, 25))
            # taken when work starts: a new ticket has nobody on it (assigning one makes it
            # "assigned", as servicedesk.services.assign does)
            sets.append((start, "group", "first_line"))
            sets.append((start, "agent", first_line))
            status(Status.IN_PROGRESS, start, first_line)
            done = status(Status.RESOLVED, done, first_line)
            reply(done, first_line, RESOLUTION_PREFIX + solution)
        else:
            if plan.channel == Channel.AGENT:
                triaged = opened + dt.timedelta(minutes=rng.uniform(1, 5))
            else:
                triaged = add(opened, response * rng.uniform(0.2, 0.7))
            if order:  # the coordinator decides; the desk has triaged the order before
                decision = lognormal(rng, *APPROVAL_MINUTES)
                decided = add(opened, decision)
                triaged = min(triaged, decided - SECOND)
            triaged = status(Status.ASSIGNED, triaged, first_line)
            assign(triaged, agent, group)
            spent = response
            answer_at = add(opened, response)
            if order:
                decided = max(decided, triaged + SECOND)
                sets.append((opened, "approval", Approval.PENDING))
                approver = self.approver.get(requester.unit_id)
                approver_user = approver[0].user_id if approver else None
                who = f"{approver[0]} ({approver[1]})" if approver else ""
                if answer_at < decided:
                    reply(answer_at, first_line, rng.choice(ORDER_REPLIES).format(first=first))
                rejected = rng.random() < REJECTED
                label = self.rejected_text if rejected else self.approved_text
                entries.append(
                    (
                        EntryKind.EVENT,
                        decided,
                        approver_user,
                        "",
                        f"{label} {who}".strip(),
                        Channel.AGENT,
                    )
                )
                sets.append(
                    (decided, "approval", Approval.REJECTED if rejected else Approval.APPROVED)
                )
                sets.append((decided, "approved_by", approver_user))
                sets.append((decided, "approved_at", decided))
                if rejected:
                    reason = rng.choice(
                        (
                            "Det finns redan en ledig enhet på arbetsplatsen.",
                            "Ryms inte i enhetens budget i år.",
                            "Beställ i den gemensamma beställningen i augusti i stället.",
                        )
                    )
                    status(Status.RESOLVED, decided, approver_user, note=reason)
                spent = max(spent, decision)
                answer_at = max(answer_at, decided)
            if not rejected:
                if not answered:
                    reply(answer_at, agent, rng.choice(FIRST_REPLIES).format(first=first))
                cursor = status(Status.IN_PROGRESS, answer_at, agent)
                remaining = max(work - spent, 10)
                steps = []
                if rng.random() < (0.4 if problem else template.third_party):
                    begin = remaining * rng.uniform(0.05, 0.3)
                    steps += [
                        (begin, "vendor"),
                        (begin + remaining * rng.uniform(0.3, 0.6), "back"),
                    ]
                if not problem and rng.random() < template.waits:
                    where = remaining * rng.uniform(0.02, 0.9)
                    if steps and steps[0][0] <= where <= steps[1][0]:
                        where = steps[0][0] * 0.5
                    steps.append((where, "ask"))
                if rng.random() < 0.3:
                    steps.append((remaining * rng.uniform(0.05, 0.9), "note"))
                steps.sort()
                position = 0.0
                for at_minutes, step in steps:
                    cursor = add(cursor, at_minutes - position)
                    position = at_minutes
                    if step == "vendor":
                        cursor = status(Status.WAITING_THIRD_PARTY, cursor, agent)
                        if order:
                            reply(cursor, agent, DELIVERY_REPLY)
                        reference = f"{REFERENCE_PREFIX}{rng.randint(10000, 99999)}"
                        text = rng.choice(VENDOR_NOTES).format(ref=reference)
                        entries.append((EntryKind.NOTE, cursor, agent, "", text, Channel.AGENT))
                    elif step == "back":
                        cursor = status(Status.IN_PROGRESS, cursor, agent)
                    elif step == "note":
                        text = rng.choice(NOTES.get(group, NOTES["first_line"]))
                        entries.append((EntryKind.NOTE, cursor, agent, "", text, Channel.AGENT))
                    else:  # ask the requester
                        reply(cursor, agent, rng.choice(QUESTIONS))
                        cursor = status(Status.WAITING_REQUESTER, cursor, agent)
                        if rng.random() < SILENT:
                            silent_close = True
                            done = status(Status.RESOLVED, add(cursor, NO_ANSWER_AFTER), agent)
                            reply(done, agent, SILENT_CLOSE)
                            break
                        hours = max(0.2, lognormal(rng, *ANSWER_HOURS))
                        cursor = cursor + dt.timedelta(hours=hours)
                        requester_says(cursor, rng.choice(ANSWERS))
                        cursor = status(Status.IN_PROGRESS, cursor, requester_user)
                if not silent_close:
                    done = add(cursor, max(remaining - position, 2))
                    done = status(Status.RESOLVED, done, agent)
                    reply(done, agent, RESOLUTION_PREFIX + solution)
                    if not problem and rng.random() < REOPENED:
                        back = done + dt.timedelta(hours=max(1, lognormal(rng, 20, 0.8)))
                        if back < done + CLOSE_AFTER - 6 * HOUR:
                            requester_says(back, rng.choice(REOPEN_TEXTS))
                            back = status(Status.IN_PROGRESS, back, agent)  # reopened
                            done = status(Status.RESOLVED, add(back, rng.uniform(60, 540)), agent)
                            reply(done, agent, RESOLUTION_PREFIX + solution)
        resolved = statuses[-1][1]
        night = dt.datetime.combine(
            (resolved.astimezone(self.zone) + CLOSE_AFTER).date() + DAY,
            dt.time(1, 30),
            tzinfo=self.zone,
        )
        status(Status.CLOSED, night, None)
        return self.cut(plan, statuses, entries, sets)

    def cut(self, plan, statuses, entries, sets):
        """What has happened by the build: the statuses, entries and fields up to now."""
        now = self.now
        if statuses[-1][1] <= now:  # closed before the build: nothing comes later
            life = Life(statuses=statuses, entries=entries)
            for _at, name, value in sets:
                setattr(life, name, value)
            return life
        life = Life(
            statuses=[row for row in statuses if row[1] <= now],
            entries=[row for row in entries if row[1] <= now],
        )
        for at, name, value in sets:
            if at <= now:
                setattr(life, name, value)
        return life
