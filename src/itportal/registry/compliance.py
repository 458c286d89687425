"""Selectors over the governance rules: findings, counts per rule, severity and administration,
who must act, the trend over time (from `ComplianceSnapshot`) and the daily snapshot writer."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itportal.organisation.models import OrgUnit
from itportal.registry import rules as rules_module
from itportal.registry.choices import Severity
from itportal.registry.models import ComplianceSnapshot, System
from itportal.registry.rules import RULES, RULES_BY_CODE, SEVERITY_RANK

SEVERITIES = tuple(sorted(Severity, key=lambda s: SEVERITY_RANK[s]))


def findings(systems=None, *, today=None, rules=RULES):
    """Every finding over `systems` (a System queryset; None: the whole register)."""
    return rules_module.run(systems, today=today, rules=rules)[0]


def findings_for_system(system, *, today=None):
    return findings(System.objects.filter(pk=system.pk), today=today)


def systems_under(unit, systems=None):
    """The systems owned by the unit or any unit below it."""
    queryset = systems if systems is not None else System.objects.all()
    return queryset.filter(owning_unit__path__startswith=unit.path)


def filter_findings(found, *, rule=None, severity=None, person=None):
    if rule:
        found = [f for f in found if f.rule == rule]
    if severity:
        found = [f for f in found if f.severity == severity]
    if person is not None:
        found = [f for f in found if person in f.must_act]
    return found


def severity_counts(found):
    counts = Counter(f.severity for f in found)
    return [(s, s.label, counts.get(s.value, 0)) for s in SEVERITIES]


@dataclass
class RuleRow:
    rule: rules_module.Rule
    count: int


@dataclass
class AdministrationRow:
    unit: OrgUnit
    systems: int
    counts: list  # [(severity, label, count)] in severity order
    total: int


@dataclass
class Report:
    findings: list
    systems: int
    rules: list = field(default_factory=list)
    severities: list = field(default_factory=list)
    administrations: list = field(default_factory=list)

    @property
    def total(self):
        return len(self.findings)

    @property
    def systems_with_findings(self):
        return len({f.system.pk for f in self.findings})


def report(systems=None, *, today=None):
    """Counts per rule, per severity and per administration over `systems` (None: all)."""
    found, ctx = rules_module.run(systems, today=today)
    by_rule = Counter(f.rule for f in found)
    systems_per_admin = Counter()
    admins = {}
    for system in ctx.systems:
        unit = ctx.administration(system)
        if unit is not None:
            systems_per_admin[unit.pk] += 1
            admins[unit.pk] = unit
    findings_per_admin = defaultdict(list)
    for finding in found:
        if finding.administration is not None:
            findings_per_admin[finding.administration.pk].append(finding)
    rows = []
    for pk, unit in admins.items():
        admin_findings = findings_per_admin.get(pk, [])
        rows.append(
            AdministrationRow(
                unit=unit,
                systems=systems_per_admin[pk],
                counts=severity_counts(admin_findings),
                total=len(admin_findings),
            )
        )
    rows.sort(key=lambda row: (-row.total, row.unit.name))
    return Report(
        findings=found,
        systems=len(ctx.systems),
        rules=[RuleRow(rule, by_rule.get(rule.code, 0)) for rule in RULES],
        severities=severity_counts(found),
        administrations=rows,
    )


def findings_by_person(found):
    """{person: [findings they must act on]} for active people, ordered by name."""
    people = {}
    grouped = defaultdict(list)
    for finding in found:
        for person in finding.must_act:
            if person.active and person.email:
                people[person.pk] = person
                grouped[person.pk].append(finding)
    ordered = sorted(people.values(), key=lambda p: (p.last_name, p.first_name, p.pk))
    return {person: grouped[person.pk] for person in ordered}


def as_dict(finding):
    """The JSON shape of a finding (`manage.py compliance --format json`)."""
    admin = finding.administration
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "system_id": finding.system.pk,
        "system": finding.system.name,
        "message": str(finding.message),
        "must_act": [
            {"person_id": p.pk, "name": str(p), "email": p.email} for p in finding.must_act
        ],
        "administration": admin.name if admin is not None else None,
        "administration_id": admin.pk if admin is not None else None,
    }


# --- Snapshots and the trend ---------------------------------------------------------------


@transaction.atomic
def write_snapshot(on=None):
    """Store today's counts (replacing any earlier snapshot of the same day): one row per rule
    for the whole group (administration empty, zeros too) and one per rule and administration
    that has findings. Returns the number of rows written."""
    on = on or timezone.localdate()
    found = findings(today=on)
    group = Counter(f.rule for f in found)
    per_admin = Counter((f.rule, f.administration.pk) for f in found if f.administration)
    rows = [ComplianceSnapshot(date=on, rule=r.code, count=group.get(r.code, 0)) for r in RULES]
    rows += [
        ComplianceSnapshot(date=on, rule=code, administration_id=admin_id, count=count)
        for (code, admin_id), count in sorted(per_admin.items())
    ]
    ComplianceSnapshot.objects.filter(date=on).delete()
    ComplianceSnapshot.objects.bulk_create(rows)
    return len(rows)


@dataclass
class TrendPoint:
    date: datetime.date
    counts: dict  # severity → count
    total: int

    def count(self, severity):
        return self.counts.get(severity, 0)

    @property
    def high(self):
        return self.counts.get(Severity.HIGH, 0)

    @property
    def medium(self):
        return self.counts.get(Severity.MEDIUM, 0)

    @property
    def low(self):
        return self.counts.get(Severity.LOW, 0)


def trend(administration=None, *, limit=90):
    """The last `limit` snapshot days, oldest first, with findings per severity. Days come from
    the group rows (written for every rule every day), so a day without findings counts zero."""
    dates = list(
        ComplianceSnapshot.objects.filter(administration__isnull=True)
        .values_list("date", flat=True)
        .distinct()
        .order_by("-date")[:limit]
    )
    if not dates:
        return []
    rows = ComplianceSnapshot.objects.filter(date__gte=min(dates))
    if administration is None:
        rows = rows.filter(administration__isnull=True)
    else:
        rows = rows.filter(administration=administration)
    counts = defaultdict(Counter)
    for day, code, count in rows.values_list("date", "rule", "count"):
        rule = RULES_BY_CODE.get(code)
        if rule is not None:
            counts[day][rule.severity] += count
    return [TrendPoint(day, dict(counts[day]), sum(counts[day].values())) for day in sorted(dates)]


# --- A small server-side chart of the trend ------------------------------------------------

CHART = {"width": 640, "height": 220, "left": 48, "right": 16, "top": 16, "bottom": 40}


def _nice_ceiling(value):
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return int(10 * magnitude)  # pragma: no cover


def trend_chart(points):
    """Geometry for an SVG line chart of total and high-severity findings per day, or None."""
    if not points:
        return None
    width, height = CHART["width"], CHART["height"]
    left, right, top, bottom = CHART["left"], CHART["right"], CHART["top"], CHART["bottom"]
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = points[0].date, points[-1].date
    span = max((last - first).days, 1)
    y_max = _nice_ceiling(max(p.total for p in points))

    def x(day):
        if first == last:
            return left + plot_w / 2
        return left + (day - first).days / span * plot_w

    def y(value):
        return top + plot_h - value / y_max * plot_h

    def series(attr):
        coords = [(round(x(p.date), 1), round(y(getattr(p, attr)), 1)) for p in points]
        dots = [{"x": cx, "y": cy, "sx": cx - 3, "sy": cy - 3} for cx, cy in coords]
        return {
            "points": " ".join(f"{cx},{cy}" for cx, cy in coords),
            "dots": dots if len(dots) <= 60 else [],
        }

    ticks = [{"value": value, "y": round(y(value), 1)} for value in (0, y_max // 2, y_max)]
    return {
        **CHART,
        "plot_right": width - right,
        "tick_x": left - 6,
        "plot_bottom": top + plot_h,
        "total": series("total"),
        "high": series("high"),
        "y_ticks": ticks,
        "first": first,
        "last": last,
        "first_x": round(x(first), 1),
        "last_x": round(x(last), 1),
        "label_y": height - bottom + 18,
        "summary": _(
            "From %(first)s to %(last)s the findings went from %(start)s to %(end)s "
            "(high severity: from %(start_high)s to %(end_high)s)."
        )
        % {
            "first": first.isoformat(),
            "last": last.isoformat(),
            "start": points[0].total,
            "end": points[-1].total,
            "start_high": points[0].high,
            "end_high": points[-1].high,
        },
    }


__all__ = [
    "as_dict",
    "filter_findings",
    "findings",
    "findings_by_person",
    "findings_for_system",
    "report",
    "systems_under",
    "trend",
    "trend_chart",
    "write_snapshot",
]
