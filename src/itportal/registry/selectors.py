"""Reads of the system register that are more than a filter."""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone

from itportal.registry.choices import Lifecycle
from itportal.registry.models import MAX_NOTICE_MONTHS, Contract, Licence, System

IN_USE = (Lifecycle.INTRODUCTION, Lifecycle.OPERATION, Lifecycle.DECOMMISSIONING)


def contracts_due_for_notice(today=None):
    """Contracts whose last day to give notice falls between today and the warning horizon.

    The notice date depends on each contract's notice period, so the database narrows by end
    date (notice periods are at most MAX_NOTICE_MONTHS) and Python applies the exact date.
    """
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.RENEWAL_WARNING_DAYS)
    latest_end = horizon + timedelta(days=31 * (MAX_NOTICE_MONTHS + 1))
    candidates = Contract.objects.filter(end__gte=today, end__lte=latest_end)
    due = [
        c.pk
        for c in candidates.only("pk", "end", "notice_months")
        if today <= c.notice_date <= horizon
    ]
    return Contract.objects.filter(pk__in=due)


def capability_overlap(systems):
    """Capabilities served by more than one system in use (introduction, operation or
    decommissioning), with their systems, costs and users: the candidates for reducing the
    number of systems. Three queries."""
    active = systems.filter(lifecycle__in=IN_USE)
    through = System.capabilities.through
    links = through.objects.filter(system__in=active).values_list("capability_id", "system_id")
    by_capability = defaultdict(set)
    for capability_id, system_id in links:
        by_capability[capability_id].add(system_id)
    overlapping = {c: s for c, s in by_capability.items() if len(s) > 1}
    if not overlapping:
        return []
    ids = set().union(*overlapping.values())
    rows = (
        System.objects.filter(pk__in=ids)
        .select_related("owning_unit")
        .annotate(users=Sum("usages__users"))
        .only("id", "name", "cost_licence", "cost_operation", "cost_support", "owning_unit__name")
    )
    by_id = {s.pk: s for s in rows}
    from itportal.registry.models import Capability

    names = dict(Capability.objects.filter(pk__in=overlapping).values_list("pk", "name"))
    result = []
    for capability_id, system_ids in overlapping.items():
        members = sorted((by_id[i] for i in system_ids), key=lambda s: s.name)
        cost = sum(s.annual_cost for s in members)
        result.append(
            {
                "capability_id": capability_id,
                "capability": names.get(capability_id, ""),
                "systems": members,
                "count": len(members),
                "cost": cost,
                "users": sum(s.users or 0 for s in members),
            }
        )
    result.sort(key=lambda r: (-r["count"], -r["cost"], r["capability"]))
    return result


def licence_coordination(licences, today=None):
    """Products licensed more than once among the licences in force (by different units or
    contracts), with total cost and entitlements: candidates for one group-wide licence. A
    product that has a group-wide licence and is still bought separately is flagged. Two
    queries."""
    today = today or timezone.localdate()
    rows = (
        licences.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .prefetch_related("units")
        .select_related("vendor")
        .order_by("product")
    )
    groups = defaultdict(list)
    for licence in rows:
        groups[licence.product.strip().lower()].append(licence)
    result = []
    for items in groups.values():
        if len(items) < 2:
            continue
        units = sorted({u.name for lic in items for u in lic.units.all()})
        result.append(
            {
                "product": items[0].product,
                "licences": items,
                "count": len(items),
                "units": units,
                "group_wide": any(lic.group_wide for lic in items),
                "entitlements": sum(lic.entitlements for lic in items),
                "cost": sum(lic.annual_cost for lic in items),
            }
        )
    result.sort(key=lambda r: (-r["count"], -r["cost"]))
    return result


def systems_with_finding(rule_code, systems=None):
    """Ids of the systems that currently break the named governance rule (only it is run)."""
    from itportal.registry.compliance import findings
    from itportal.registry.rules import RULES_BY_CODE

    rule = RULES_BY_CODE[rule_code]
    return {f.system.pk for f in findings(systems, rules=(rule,))}


__all__ = ["Licence", "capability_overlap", "contracts_due_for_notice", "licence_coordination"]
