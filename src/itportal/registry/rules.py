"""The register's governance rules: small named checks that yield findings.

Each rule has a code (stable: used in snapshots, filters and the JSON output), a translatable
title, a severity and a check. A check reads the whole register (or a scoped part of it) through a
shared `RuleContext` in a handful of queries, never one per system, and yields `Finding`s that
say who must act.

Who must act, unless a rule says otherwise: the system's active owners (systemägare); when the
system has none, the manager of its owning unit (or of the nearest unit above it that has an
active manager).
"""

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from itportal.organisation.models import OrgUnit, Person
from itportal.registry.choices import (
    EU_EEA,
    MANAGER,
    OPERATIONS_LOCAL,
    OPERATIONS_VENDOR,
    OWNER,
    IntegrationStatus,
    Lifecycle,
    OperatingForm,
    Severity,
)
from itportal.registry.models import (
    InformationAsset,
    Integration,
    Licence,
    System,
    SystemRole,
    administration_key,
)

# Phases in which a system is used for real and must be governed as such.
LIVE = (Lifecycle.OPERATION, Lifecycle.DECOMMISSIONING)
SEVERITY_RANK = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}

# The fields of System the rules and pages read; the rest (long texts) is not loaded.
SYSTEM_FIELDS = (
    "id",
    "name",
    "lifecycle",
    "in_operation_since",
    "planned_retirement",
    "retired_on",
    "operating_form",
    "hosting_country",
    "owning_unit_id",
    "last_reviewed",
)
PERSON_FIELDS = ("id", "first_name", "last_name", "email", "active", "user_id")
# One query for the people who must act, up to this many (SQLite ≥ 3.32 and PostgreSQL take it).
PEOPLE_PER_QUERY = 10_000
FEW_UNITS = 200


@dataclass
class Finding:
    """One break of one rule by one system, and the people who must act on it."""

    rule: str  # the rule's code
    severity: str
    system: System
    message: str
    must_act: tuple = ()
    administration: OrgUnit | None = None

    @property
    def rule_obj(self):
        return RULES_BY_CODE[self.rule]

    @property
    def rule_title(self):
        return self.rule_obj.title

    @property
    def severity_label(self):
        return Severity(self.severity).label

    @property
    def sort_key(self):
        return (RULE_RANK[self.rule], self.system.name)


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    severity: str
    check: Callable[["RuleContext", "Rule"], Iterable[Finding]] = field(repr=False)
    description: str = ""

    @property
    def severity_label(self):
        return Severity(self.severity).label

    def finding(self, system, message, must_act=()):
        """A finding of this rule; `must_act` holds person ids until `run` resolves them."""
        return Finding(self.code, str(self.severity), system, message, tuple(must_act))

    def run(self, ctx):
        return list(self.check(ctx, self))


def months_before(day, months):
    """The same day `months` months earlier (clamped to the month's last day)."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def _active_q(today, prefix=""):
    return (Q(**{f"{prefix}start__isnull": True}) | Q(**{f"{prefix}start__lte": today})) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": today})
    )


class RuleContext:
    """What the rules share: the systems checked, their active roles and the unit tree, each
    loaded once. `systems` is a System queryset (e.g. restricted to what a user may see, or to
    one administration's subtree); None means the whole register."""

    def __init__(self, systems=None, *, today=None):
        self.today = today or timezone.localdate()
        # A queryset without filters (a reader who sees every system) checks the whole register
        # without subqueries.
        self.scoped = systems is not None and bool(systems.query.has_filters())
        self.system_qs = systems if systems is not None else System.objects.all()

    def in_scope(self, queryset, field="system"):
        """Limit a related queryset to the systems checked (one subquery, not a list of ids)."""
        if not self.scoped:
            return queryset
        return queryset.filter(**{f"{field}__in": self.system_qs.values("pk")})

    @cached_property
    def systems(self):
        queryset = self.system_qs.only(*SYSTEM_FIELDS).annotate(unit_path=F("owning_unit__path"))
        return list(queryset.order_by("name"))

    @cached_property
    def units(self):
        """The owning units and the units above them by id, with whether their manager is
        active (for a large register simply every unit: the tree is small next to it)."""
        ids = {int(p) for system in self.systems for p in system.unit_path.split("/") if p}
        queryset = OrgUnit.objects.only("id", "name", "path", "depth", "manager_id").annotate(
            manager_active=F("manager__active")
        )
        if len(ids) <= FEW_UNITS:
            queryset = queryset.filter(pk__in=ids)
        return {unit.pk: unit for unit in queryset}

    @cached_property
    def active_roles(self):
        """system id → [(role type code, person id or None, person active)] active today."""
        rows = self.in_scope(SystemRole.objects.filter(_active_q(self.today))).values_list(
            "system_id", "role_type__code", "person_id", "person__active"
        )
        by_system = defaultdict(list)
        for system_id, code, person_id, active in rows:
            by_system[system_id].append((code, person_id, active))
        return by_system

    def role_codes(self, system):
        """Codes of the system's roles active today and held by someone still there: an active
        person or a vendor contact. A role whose holder has left fills no gap (the rule
        active_role_holders reports the holder)."""
        return {
            code
            for code, person_id, active in self.active_roles.get(system.pk, ())
            if person_id is None or active
        }

    def holders(self, system, code):
        """Ids of the active people holding an active role of the given type for the system."""
        people = []
        for role_code, person_id, active in self.active_roles.get(system.pk, ()):
            if role_code == code and person_id and active and person_id not in people:
                people.append(person_id)
        return people

    def unit_manager(self, unit_id):
        """[id] of the active manager of the unit, or of the nearest unit above it that has one."""
        unit = self.units.get(unit_id)
        if unit is None:
            return []
        for ancestor_id in reversed([int(p) for p in unit.path.split("/") if p]):
            ancestor = self.units.get(ancestor_id)
            if ancestor is not None and ancestor.manager_id and ancestor.manager_active:
                return [ancestor.manager_id]
        return []

    def owners(self, system):
        """Who must act by default: the system's owners, else its owning unit's manager."""
        return self.holders(system, OWNER) or self.unit_manager(system.owning_unit_id)

    def keepers(self, system):
        """Who keeps the system's facts: its managers (systemförvaltare), else its owners."""
        return self.holders(system, MANAGER) or self.owners(system)

    def administration(self, system):
        """The administration (depth-1 unit, or the board itself) the system belongs to."""
        unit = self.units.get(system.owning_unit_id)
        if unit is None:
            return None
        key = administration_key(unit.path)
        return self.units.get(int(key)) if key else None

    def people(self, ids):
        """Person rows by id, for the findings' must-act lists (one query)."""
        ids, people = sorted(ids), {}
        for start in range(0, len(ids), PEOPLE_PER_QUERY):
            chunk = ids[start : start + PEOPLE_PER_QUERY]
            people.update(
                (p.pk, p) for p in Person.objects.only(*PERSON_FIELDS).filter(pk__in=chunk)
            )
        return people


def _join(items):
    return ", ".join(str(item) for item in items)


# --- The rules ---------------------------------------------------------------------------------


def check_owner_and_manager(ctx, rule):
    neither = _("The system has neither an active owner nor an active manager.")
    no_owner = _("The system has no active owner.")
    no_manager = _("The system has no active manager.")
    for system in ctx.systems:
        if system.lifecycle not in LIVE:
            continue
        codes = ctx.role_codes(system)
        if OWNER not in codes:
            message = neither if MANAGER not in codes else no_owner
        elif MANAGER not in codes:
            message = no_manager
        else:
            continue
        yield rule.finding(system, message, ctx.owners(system))


def check_active_role_holders(ctx, rule):
    rows = (
        ctx.in_scope(SystemRole.objects.filter(person__active=False))
        .filter(Q(end__isnull=True) | Q(end__gte=ctx.today))
        .exclude(system__lifecycle=Lifecycle.RETIRED)
        .order_by("system_id", "role_type__sort_order", "person__last_name", "person__first_name")
        .values_list("system_id", "person__first_name", "person__last_name", "role_type__name")
    )
    by_system = defaultdict(list)
    for system_id, first_name, last_name, role_name in rows:
        by_system[system_id].append(f"{first_name} {last_name} ({role_name})")
    template = _("Roles are held by people who have left: %(people)s.")
    for system in ctx.systems:
        held = by_system.get(system.pk)
        if held:
            yield rule.finding(system, template % {"people": _join(held)}, ctx.owners(system))


def check_vendor_operations(ctx, rule):
    neither = _("Nobody is responsible for operations, neither locally nor at the vendor.")
    no_local = _("Nobody is responsible for operations locally.")
    no_vendor = _("Nobody is responsible for operations at the vendor.")
    for system in ctx.systems:
        if system.lifecycle not in LIVE or system.operating_form != OperatingForm.VENDOR_MANAGED:
            continue
        codes = ctx.role_codes(system)
        local, vendor = OPERATIONS_LOCAL in codes, OPERATIONS_VENDOR in codes
        if not local:
            message = neither if not vendor else no_local
        elif not vendor:
            message = no_vendor
        else:
            continue
        yield rule.finding(system, message, ctx.owners(system))


def check_review(ctx, rule):
    months = settings.REVIEW_MAX_MONTHS
    cutoff = months_before(ctx.today, months)
    never = _("The system's facts have never been reviewed.")
    template = _("The system was last reviewed on %(date)s, more than %(months)s months ago.")
    for system in ctx.systems:
        if system.lifecycle == Lifecycle.RETIRED:
            continue
        if system.last_reviewed is None:
            message = never
        elif system.last_reviewed < cutoff:
            message = template % {"date": system.last_reviewed.isoformat(), "months": months}
        else:
            continue
        yield rule.finding(system, message, ctx.keepers(system))


def check_personal_data(ctx, rule):
    rows = (
        ctx.in_scope(InformationAsset.objects.filter(personal_data=True))
        .filter(Q(controller_board__isnull=True) | Q(processing_record=""))
        .exclude(system__lifecycle=Lifecycle.RETIRED)
        .order_by("system_id", "name")
        .values_list("system_id", "name", "controller_board_id", "processing_record")
    )
    no_board = _("no controller board")
    no_record = _("no record-of-processing entry")
    by_system = defaultdict(list)
    for system_id, name, board_id, record in rows:
        missing = ([no_board] if board_id is None else []) + ([] if record.strip() else [no_record])
        by_system[system_id].append(f"{name} ({_join(missing)})")
    template = _("Personal data without controller or record of processing: %(assets)s.")
    for system in ctx.systems:
        gaps = by_system.get(system.pk)
        if gaps:
            message = template % {"assets": "; ".join(gaps)}
            yield rule.finding(system, message, ctx.owners(system))


def check_saas_outside_eea(ctx, rule):
    template = _(
        "The SaaS is hosted in %(country)s, outside the EU/EEA: check the legal basis for "
        "the transfer."
    )
    for system in ctx.systems:
        if system.lifecycle == Lifecycle.RETIRED or system.operating_form != OperatingForm.SAAS:
            continue
        country = (system.hosting_country or "").upper()
        if country not in EU_EEA:
            message = template % {"country": country or "?"}
            yield rule.finding(system, message, ctx.owners(system))


def _count_by_system(rows):
    counts = defaultdict(int)
    for system_id in rows:
        counts[system_id] += 1
    return counts


def check_retired_leftovers(ctx, rule):
    retired = [s for s in ctx.systems if s.lifecycle == Lifecycle.RETIRED]
    if not retired:
        return
    retired_qs = ctx.system_qs.filter(lifecycle=Lifecycle.RETIRED).values("pk")
    integrations = defaultdict(int)
    for source_id, target_id in (
        Integration.objects.exclude(status=IntegrationStatus.RETIRED)
        .filter(Q(source__in=retired_qs) | Q(target__in=retired_qs))
        .values_list("source_id", "target_id")
    ):
        integrations[source_id] += 1
        integrations[target_id] += 1
    # A role that ends today is over with the retirement (`services.system_retire` ends the
    # system's roles on the retirement day).
    roles = _count_by_system(
        SystemRole.objects.filter(system__in=retired_qs)
        .filter(Q(end__isnull=True) | Q(end__gt=ctx.today))
        .values_list("system_id", flat=True)
    )
    licences = _count_by_system(
        Licence.objects.filter(system__in=retired_qs)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=ctx.today))
        .values_list("system_id", flat=True)
    )
    for system in retired:
        left = []
        if n := integrations.get(system.pk):
            left.append(
                ngettext("%(n)s active integration", "%(n)s active integrations", n) % {"n": n}
            )
        if n := roles.get(system.pk):
            left.append(ngettext("%(n)s active role", "%(n)s active roles", n) % {"n": n})
        if n := licences.get(system.pk):
            left.append(ngettext("%(n)s active licence", "%(n)s active licences", n) % {"n": n})
        if left:
            message = _("The system is retired but still has %(left)s.") % {"left": _join(left)}
            yield rule.finding(system, message, ctx.keepers(system))


def check_lifecycle_dates(ctx, rule):
    today = ctx.today
    texts = {
        "planned": _("the planned retirement lies before it went into operation"),
        "retired_early": _("it retired before it went into operation"),
        "no_retired_on": _("it is retired but has no retirement date"),
        "not_retired": _("it has a retirement date but is not in the retired phase"),
        "no_since": _("it is in operation but has no date it went into operation"),
        "future": _("it is in operation but goes into operation only in the future"),
    }
    template = _("The lifecycle dates do not agree: %(problems)s.")
    for system in ctx.systems:
        since, planned, retired_on = (
            system.in_operation_since,
            system.planned_retirement,
            system.retired_on,
        )
        is_retired = system.lifecycle == Lifecycle.RETIRED
        problems = [
            key
            for key, broken in (
                ("planned", since and planned and planned < since),
                ("retired_early", since and retired_on and retired_on < since),
                ("no_retired_on", is_retired and not retired_on),
                ("not_retired", retired_on and not is_retired),
                ("no_since", system.lifecycle in LIVE and not since),
                ("future", system.lifecycle in LIVE and since and since > today),
            )
            if broken
        ]
        if problems:
            message = template % {"problems": "; ".join(str(texts[p]) for p in problems)}
            yield rule.finding(system, message, ctx.keepers(system))


RULES = (
    Rule(
        "owner_and_manager",
        gettext_lazy("Systems in operation have an owner and a manager"),
        Severity.HIGH,
        check_owner_and_manager,
        gettext_lazy(
            "Every system in operation or being decommissioned has an active owner "
            "(systemägare) and an active manager (systemförvaltare)."
        ),
    ),
    Rule(
        "active_role_holders",
        gettext_lazy("Role holders are active people"),
        Severity.HIGH,
        check_active_role_holders,
        gettext_lazy("No current role is held by a person who has left."),
    ),
    Rule(
        "vendor_operations",
        gettext_lazy("Vendor-managed systems have operations responsibility on both sides"),
        Severity.MEDIUM,
        check_vendor_operations,
        gettext_lazy(
            "A vendor-managed system in our infrastructure has someone responsible for its "
            "operations locally and at the vendor."
        ),
    ),
    Rule(
        "review_overdue",
        gettext_lazy("Systems are reviewed regularly"),
        Severity.MEDIUM,
        check_review,
        gettext_lazy(
            "No system (except retired ones) goes unreviewed for longer than the configured "
            "number of months."
        ),
    ),
    Rule(
        "personal_data",
        gettext_lazy("Personal data has a controller and a record of processing"),
        Severity.HIGH,
        check_personal_data,
        gettext_lazy(
            "Every information asset with personal data names its controller board and its "
            "entry in the record of processing."
        ),
    ),
    Rule(
        "saas_outside_eea",
        gettext_lazy("SaaS hosted outside the EU/EEA"),
        Severity.MEDIUM,
        check_saas_outside_eea,
        gettext_lazy("A cloud service hosted outside the EU/EEA is flagged for a legal review."),
    ),
    Rule(
        "retired_leftovers",
        gettext_lazy("Retired systems leave nothing active behind"),
        Severity.MEDIUM,
        check_retired_leftovers,
        gettext_lazy("A retired system has no active integrations, roles or licences."),
    ),
    Rule(
        "lifecycle_dates",
        gettext_lazy("Lifecycle dates are consistent"),
        Severity.LOW,
        check_lifecycle_dates,
        gettext_lazy(
            "Dates of going into operation, planned and actual retirement agree with each "
            "other and with the lifecycle phase."
        ),
    ),
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}
RULE_ORDER = {rule.code: index for index, rule in enumerate(RULES)}
# Findings sort by severity, then by the order of the rules.
RULE_RANK = {rule.code: (SEVERITY_RANK[rule.severity], RULE_ORDER[rule.code]) for rule in RULES}


def run(systems=None, *, today=None, rules=RULES):
    """Every finding of the given rules over `systems` (None: the whole register), sorted by
    severity, rule and system, each with its administration."""
    ctx = RuleContext(systems, today=today)
    found = []
    for rule in rules:
        found.extend(rule.check(ctx, rule))
    people = ctx.people({pk for finding in found for pk in finding.must_act})
    for finding in found:
        finding.must_act = tuple(people[pk] for pk in finding.must_act if pk in people)
        finding.administration = ctx.administration(finding.system)
    found.sort(key=lambda f: f.sort_key)
    return found, ctx


__all__ = ["RULES", "RULES_BY_CODE", "Finding", "Rule", "RuleContext", "run"]
