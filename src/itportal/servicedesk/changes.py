"""Every write to changes, their approvals and blackout periods, and the reads that are more
than a filter: impact analysis, derived approvers and conflict warnings.

Status machine (ChangeStatus):
    draft → submitted (awaiting approval) → approved | rejected
    approved → implemented | failed;  draft | submitted | approved → cancelled
A *standard* change is pre-approved: submitting it approves it. An *emergency* change may be
implemented while its approvals are pending; they are then decided after the fact and do not
move the change any more.

Approvers are derived from the register at submission (`derive_approvals`): the owners (role
type "owner") of every system the change touches directly or through the integration graph,
and the change advisory board(s) for normal changes. The requester never decides an approval of
their own change (not even an IT administrator); an owner who requested the change is left out,
and the board stands in when that leaves nobody.

Impact analysis reuses the register's graph (registry.graph): one walk downstream from each
directly affected system on one loaded graph, then the units and role holders of the union.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from itportal.core import services as core
from itportal.core.models import ObjectChange
from itportal.core.roles import is_it_admin
from itportal.registry import graph as registry_graph
from itportal.registry.models import System, SystemRole
from itportal.servicedesk import services as tickets
from itportal.servicedesk.models import (
    AssignmentGroup,
    Blackout,
    Change,
    ChangeApproval,
    ChangeKind,
    ChangeStatus,
    Decision,
)
from itportal.servicedesk.models_change import CHANGE_PREFIX, approvals_of

OWNER_ROLE = "owner"
OPEN = (ChangeStatus.DRAFT, ChangeStatus.SUBMITTED, ChangeStatus.APPROVED)
# Changes that no longer take a window: they neither conflict nor appear as planned work.
DROPPED = (ChangeStatus.CANCELLED, ChangeStatus.REJECTED)


def _user(actor):
    return None if actor is None or isinstance(actor, str) else actor


def next_change_number(when):
    """CHG-2026-000123, from the same counter table (and lock) as the tickets' numbers."""
    return tickets.numbered(CHANGE_PREFIX, when)


def _stored(change):
    return Change._base_manager.select_for_update().get(pk=change.pk)


def _check_version(change, expected_version):
    """Lock the change and refuse a step based on a version that is no longer stored; the
    object is then refreshed, so the checks below see what is stored."""
    stored = _stored(change)
    if expected_version is not None and stored.version != int(expected_version):
        change.version = int(expected_version)
        raise core.StaleObjectError(change)
    change.refresh_from_db()
    return stored


def _set_m2m(obj, name, values, *, actor):
    """Set a many-to-many field and write its audit row when it changed."""
    manager = getattr(obj, name)
    before = sorted(manager.values_list("pk", flat=True))
    after = sorted(v.pk for v in values)
    if before == after:
        return
    manager.set(values)
    core.write_change(
        actor=actor,
        action=ObjectChange.Action.UPDATE,
        obj=obj,
        before={name: before},
        after={name: after},
    )


# --- Create, update, delete ------------------------------------------------------------------
@transaction.atomic
def create_change(change, *, actor, m2m=None, now=None):
    """Insert a draft change with its number; the requester is the actor unless given."""
    now = now or timezone.now()
    if change.requested_by_id is None:
        user = _user(actor)
        if user is None:
            raise ValidationError({"requested_by": _("Say who requests the change.")})
        change.requested_by = user
    change.status = ChangeStatus.DRAFT
    change.full_clean(exclude=["number"])  # the window first: no number is used up
    change.number = next_change_number(now)
    return core.create_object(change, actor=actor, m2m=m2m)


@transaction.atomic
def update_change(change, *, actor, data=None, expected_version=None, m2m=None):
    """Edit a draft. A submitted change keeps the approvals it was given for what it said, so
    it is not edited: cancel it and submit a new one."""
    stored = Change._base_manager.get(pk=change.pk)
    if stored.status != ChangeStatus.DRAFT:
        raise ValidationError(
            _("%(change)s is %(status)s; only a draft can be edited.")
            % {"change": stored.number, "status": stored.get_status_display().lower()},
            code="status",
        )
    data = dict(data or {})
    data.pop("status", None)
    core.update_object(change, actor=actor, data=data, expected_version=expected_version)
    for name, values in (m2m or {}).items():
        _set_m2m(change, name, values, actor=actor)
    return change


@transaction.atomic
def delete_change(change, *, actor, expected_version=None):
    if Change._base_manager.get(pk=change.pk).status != ChangeStatus.DRAFT:
        raise ValidationError(
            _("%(change)s is no longer a draft; cancel it instead.") % {"change": change.number}
        )
    return core.delete_object(change, actor=actor, expected_version=expected_version)


# --- Impact ----------------------------------------------------------------------------------
@dataclass
class AffectedSystem:
    id: int
    name: str
    distance: int  # 0: named by the change; else integrations from the nearest named system
    via: int | None  # the system it is reached from on a shortest path

    @property
    def direct(self):
        return self.distance == 0


@dataclass
class ChangeImpact:
    systems: list  # [AffectedSystem], the named ones first, then by distance and name
    units: list = field(default_factory=list)  # [registry.graph.UnitImpact]
    people: list = field(default_factory=list)  # [registry.graph.RoleHolder]

    @property
    def ids(self):
        return {system.id for system in self.systems}

    @property
    def users(self):
        return sum(unit.users for unit in self.units)


def affected_ids(system_ids, graph=None):
    """{system id: (distance, via)} of the systems named and everything depending on them,
    with each system's shortest distance from any named one."""
    graph = registry_graph.load_graph() if graph is None else graph
    reached = dict.fromkeys(system_ids, (0, None))
    for root in system_ids:
        for pk, (distance, via) in registry_graph.walk(graph.downstream, root).items():
            if pk not in reached or distance < reached[pk][0]:
                reached[pk] = (distance, via)
    return reached


def system_ids_of(change):
    if change.pk is None:
        return []
    return sorted(change.systems.values_list("pk", flat=True))


def impact(change, *, graph=None, on=None, who=True):
    """The systems, org units and people a change affects: from the systems it names, the
    register's graph gives the transitively affected systems; their using units and the holders
    of their roles are the ones to inform. Five queries whatever the graph's size."""
    reached = affected_ids(system_ids_of(change), graph)
    # registry.graph's helpers for names, usages and role holders take any set of systems
    names = registry_graph.system_names(set(reached))
    systems = [
        AffectedSystem(pk, names.get(pk, ("?", ""))[0], distance, via)
        for pk, (distance, via) in reached.items()
    ]
    systems.sort(key=lambda s: (s.distance, s.name.lower(), s.id))
    if not who or not reached:
        return ChangeImpact(systems)
    affected = set(reached)
    return ChangeImpact(
        systems,
        units=registry_graph.units_using(affected),
        people=registry_graph.people_to_inform(affected, on or timezone.localdate()),
    )


# --- Approvers -------------------------------------------------------------------------------
@dataclass
class ApproverSpec:
    """An approval to ask for: of a person (with their login when they have one) or a board."""

    reason: str
    person: object = None
    user: object = None
    board: object = None
    systems: list = field(default_factory=list)  # names of the systems it is asked for

    @property
    def asked_of(self):
        return self.board or self.person or self.user


def _owners(system_ids, on):
    """SystemRole rows of the active owners of the systems, with person and login."""
    return (
        SystemRole.objects.filter(
            system_id__in=system_ids, role_type__code=OWNER_ROLE, person__isnull=False
        )
        .filter(Q(start__isnull=True) | Q(start__lte=on))
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("person__user", "system")
        .order_by("person__last_name", "person__first_name", "system__name")
    )


def boards():
    return list(
        AssignmentGroup.objects.filter(is_change_advisory_board=True)
        .prefetch_related("members")
        .order_by("name")
    )


def derive_approvals(change, *, graph=None, on=None):
    """The approvals a change needs when it is submitted: [ApproverSpec].

    Standard changes: none. Normal changes: the owners of every affected system and the change
    advisory board(s). Emergency changes: the owners (the board when that leaves nobody), to be
    given after the fact. Owners who have left are skipped, and so is the requester.
    """
    if change.kind == ChangeKind.STANDARD:
        return []
    on = on or timezone.localdate()
    requester = change.requested_by_id
    affected = affected_ids(system_ids_of(change), graph)
    specs, by_person, covered = [], {}, set()
    for role in _owners(sorted(affected), on):
        person = role.person
        if not person.active or person.user_id == requester:
            continue
        spec = by_person.get(person.pk)
        if spec is None:
            spec = by_person[person.pk] = ApproverSpec("", person=person, user=person.user)
            specs.append(spec)
        if role.system.name not in spec.systems:
            spec.systems.append(role.system.name)
        covered.add(role.system_id)
    for spec in specs:
        spec.reason = _("System owner of %(systems)s") % {"systems": ", ".join(spec.systems)}
    if change.kind == ChangeKind.NORMAL or not specs:
        for board in boards():
            specs.append(ApproverSpec(str(board), board=board))
    return specs


def approver_users(specs):
    """The logins that may decide the approvals (board members for a board's)."""
    users = set()
    for spec in specs:
        if spec.board is not None:
            users.update(spec.board.members.all())
        elif spec.user is not None:
            users.add(spec.user)
    return users


def may_decide(user, approval, change=None):
    """Who decides an approval: its approver, the login of its person, any member of its board;
    an IT administrator records the decision of an owner without a login. Never the requester."""
    user = _user(user)
    change = change or approval.change
    if user is None or not user.is_authenticated or user.pk == change.requested_by_id:
        return False
    if approval.approver_id == user.pk:
        return True
    if approval.person_id is not None and approval.person.user_id == user.pk:
        return True
    if approval.board_id is not None:  # members prefetched by the pages; a query otherwise
        return any(member.pk == user.pk for member in approval.board.members.all())
    no_login = approval.approver_id is None and approval.person.user_id is None
    return no_login and is_it_admin(user)


# --- Status changes --------------------------------------------------------------------------
def _refuse_status(change, allowed, action):
    if change.status not in allowed:
        raise ValidationError(
            _("%(change)s is %(status)s; it cannot be %(action)s.")
            % {
                "change": change.number,
                "status": ChangeStatus(change.status).label.lower(),
                "action": action,
            },
            code="transition",
        )


@transaction.atomic
def submit(change, *, actor, expected_version=None, now=None, graph=None):
    """Send a draft for approval, asking the derived approvers; a standard change is approved
    at once (pre-approved)."""
    now = now or timezone.now()
    _check_version(change, expected_version)
    _refuse_status(change, (ChangeStatus.DRAFT,), _("submitted"))
    missing = {}
    if change.planned_start is None:
        missing["planned_start"] = _("Plan when the change starts before submitting it.")
    if change.planned_end is None:
        missing["planned_end"] = _("Plan when the change ends before submitting it.")
    if missing:
        raise ValidationError(missing)
    specs = derive_approvals(change, graph=graph)
    if change.kind != ChangeKind.STANDARD and not specs:
        raise ValidationError(
            _(
                "Nobody but the requester can approve %(change)s: its systems have no other "
                "owner and no assignment group is marked as the change advisory board."
            )
            % {"change": change.number},
            code="no_approver",
        )
    if change.kind == ChangeKind.NORMAL and not any(spec.board for spec in specs):
        raise ValidationError(
            _(
                "A normal change is approved by the change advisory board, but no assignment "
                "group is marked as one."
            ),
            code="no_board",
        )
    after = change.kind == ChangeKind.EMERGENCY
    for spec in specs:
        core.create_object(
            ChangeApproval(
                change=change,
                approver=spec.user,
                person=spec.person,
                board=spec.board,
                reason=spec.reason[:300],
                after_the_fact=after,
            ),
            actor=actor,
        )
    status = ChangeStatus.APPROVED if change.kind == ChangeKind.STANDARD else ChangeStatus.SUBMITTED
    return core.update_object(change, actor=actor, data={"status": status, "submitted_at": now})


def pending_for(user, change):
    """The pending approvals of `change` that `user` may decide."""
    approvals = change.approvals.filter(decision=Decision.PENDING).select_related("person", "board")
    return [a for a in approvals if may_decide(user, a, change)]


@transaction.atomic
def decide(
    change,
    *,
    actor,
    approve,
    comment="",
    approval=None,
    expected_version=None,
    now=None,
):
    """Approve or reject: the given approval, or every pending one the actor may decide.

    While the change awaits approval, one rejection rejects it and the last approval approves
    it. Approvals after the fact (emergency changes already implemented) are recorded without
    moving the change.
    """
    now = now or timezone.now()
    _check_version(change, expected_version)
    user = _user(actor)
    if user is not None and user.pk == change.requested_by_id:
        raise PermissionDenied(
            _("You requested %(change)s; someone else approves it.") % {"change": change.number}
        )
    allowed = [ChangeStatus.SUBMITTED]
    if change.kind == ChangeKind.EMERGENCY:
        allowed += [ChangeStatus.APPROVED, ChangeStatus.IMPLEMENTED, ChangeStatus.FAILED]
    _refuse_status(change, allowed, _("approved or rejected"))
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Say why you reject the change.")})
    if approval is not None:
        if approval.change_id != change.pk or not approval.pending:
            raise ValidationError(
                _("That approval is not pending on %(change)s.") % {"change": change.number}
            )
        if not may_decide(actor, approval, change):
            raise PermissionDenied(_("That approval is not yours to decide."))
        chosen = [approval]
    else:
        chosen = pending_for(actor, change)
        if not chosen:
            raise PermissionDenied(
                _("You have no pending approval of %(change)s.") % {"change": change.number}
            )
    decision = Decision.APPROVED if approve else Decision.REJECTED
    for item in chosen:
        core.update_object(
            item,
            actor=actor,
            data={
                "decision": decision,
                "decided_at": now,
                "decided_by": user,
                "comment": comment.strip(),
            },
        )
    if change.status == ChangeStatus.SUBMITTED:
        decisions = set(change.approvals.values_list("decision", flat=True))
        if Decision.REJECTED in decisions:
            core.update_object(change, actor=actor, data={"status": ChangeStatus.REJECTED})
        elif decisions == {Decision.APPROVED}:
            core.update_object(change, actor=actor, data={"status": ChangeStatus.APPROVED})
    return change


@transaction.atomic
def implement(change, *, actor, success=True, result="", at=None, expected_version=None):
    """Record the implementation and its result. An approved change, or an emergency change
    still awaiting its approvals (they are given after the fact)."""
    _check_version(change, expected_version)
    allowed = [ChangeStatus.APPROVED]
    if change.kind == ChangeKind.EMERGENCY:
        allowed.append(ChangeStatus.SUBMITTED)
    _refuse_status(change, allowed, _("implemented"))
    if not success and not result.strip():
        raise ValidationError({"result": _("Describe what failed and what was done.")})
    status = ChangeStatus.IMPLEMENTED if success else ChangeStatus.FAILED
    return core.update_object(
        change,
        actor=actor,
        data={"status": status, "implemented_at": at or timezone.now(), "result": result.strip()},
    )


@transaction.atomic
def cancel(change, *, actor, reason="", expected_version=None):
    _check_version(change, expected_version)
    _refuse_status(change, OPEN, _("cancelled"))
    data = {"status": ChangeStatus.CANCELLED}
    if reason.strip():
        data["result"] = reason.strip()
    return core.update_object(change, actor=actor, data=data)


def approval_summary(change, approvals):
    """A short word on where the approvals stand, e.g. for an emergency change afterwards."""
    if change.kind == ChangeKind.STANDARD:
        return _("Pre-approved (standard change)")
    decisions = [a.decision for a in approvals]
    if not decisions:
        return _("Not yet asked")
    if Decision.REJECTED in decisions:
        return _("Rejected")
    pending = decisions.count(Decision.PENDING)
    if pending:
        return _("%(pending)s of %(total)s pending") % {"pending": pending, "total": len(decisions)}
    return _("Approved")


# --- Conflicts -------------------------------------------------------------------------------
@dataclass
class Conflict:
    kind: str  # "change" or "blackout"
    other: object  # the other Change or the Blackout
    systems: list  # names of the systems both touch (empty: a blackout of every system)

    @property
    def message(self):
        names = ", ".join(self.systems)
        if self.kind == "blackout":
            if not self.systems:
                return _("The window overlaps the blackout period %(name)s (all systems).") % {
                    "name": self.other.name
                }
            return _("The window overlaps the blackout period %(name)s for %(systems)s.") % {
                "name": self.other.name,
                "systems": names,
            }
        return _("The window overlaps %(change)s (%(status)s), which also affects %(systems)s.") % {
            "change": self.other,
            "status": self.other.get_status_display().lower(),
            "systems": names,
        }


def conflicts(change, *, graph=None):
    """Warnings for the change's planned window: other changes (not cancelled or rejected)
    whose windows overlap and whose affected systems meet this one's (directly or through the
    integration graph), and blackout periods overlapping it (of every system or naming an
    affected one)."""
    start, end = change.planned_start, change.planned_end
    if start is None or end is None:
        return []
    graph = registry_graph.load_graph() if graph is None else graph
    mine = set(affected_ids(system_ids_of(change), graph))
    others = list(
        Change.objects.exclude(pk=change.pk)
        .exclude(status__in=DROPPED)
        .filter(planned_start__lt=end, planned_end__gt=start)
        .order_by("planned_start", "pk")
    )
    named = {}
    through = Change.systems.through.objects.filter(change__in=[o.pk for o in others])
    for change_id, system_id in through.values_list("change_id", "system_id"):
        named.setdefault(change_id, []).append(system_id)
    blackouts = list(Blackout.objects.filter(start__lt=end, end__gt=start).order_by("start", "pk"))
    blackout_systems = {}
    through = Blackout.systems.through.objects.filter(blackout__in=[b.pk for b in blackouts])
    for blackout_id, system_id in through.values_list("blackout_id", "system_id"):
        blackout_systems.setdefault(blackout_id, set()).add(system_id)

    found = []  # [(Conflict, shared system ids)]
    for other in others:
        shared = mine & set(affected_ids(named.get(other.pk, []), graph))
        if shared:
            found.append((Conflict("change", other, []), shared))
    for blackout in blackouts:
        systems = blackout_systems.get(blackout.pk)
        if not systems or mine & systems:
            found.append((Conflict("blackout", blackout, []), mine & systems if systems else set()))
    wanted = set().union(*(shared for _conflict, shared in found))
    names = dict(System.objects.filter(pk__in=wanted).values_list("pk", "name")) if wanted else {}
    for conflict, shared in found:
        conflict.systems = sorted((names.get(pk, "?") for pk in shared), key=str.lower)
    return [conflict for conflict, _shared in found]


# --- Blackouts -------------------------------------------------------------------------------
@transaction.atomic
def create_blackout(blackout, *, actor, m2m=None):
    return core.create_object(blackout, actor=actor, m2m=m2m)


@transaction.atomic
def update_blackout(blackout, *, actor, data=None, expected_version=None, m2m=None):
    core.update_object(blackout, actor=actor, data=data, expected_version=expected_version)
    for name, values in (m2m or {}).items():
        _set_m2m(blackout, name, values, actor=actor)
    return blackout


def delete_blackout(blackout, *, actor, expected_version=None):
    return core.delete_object(blackout, actor=actor, expected_version=expected_version)


def visible_to_approver(user):
    """Changes `user` is asked to approve (for the approver's own list)."""
    return Change.objects.filter(
        pk__in=ChangeApproval.objects.filter(approvals_of(user)).values("change_id")
    )
