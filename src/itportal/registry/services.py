"""Every write to the system register: validate, save, audit row, in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from itportal.core import services as core
from itportal.core.services import snapshot, write_change


def record_create(obj, *, actor, m2m=None):
    return core.create_object(obj, actor=actor, m2m=m2m)


def record_update(obj, *, actor, data=None, expected_version=None, m2m=None):
    """Update fields and, optionally, many-to-many sets; m2m changes are audited too."""
    with transaction.atomic():
        core.update_object(obj, actor=actor, data=data, expected_version=expected_version)
        if m2m:
            _set_m2m(obj, actor=actor, m2m=m2m)
    return obj


def record_delete(obj, *, actor, expected_version=None):
    return core.delete_object(obj, actor=actor, expected_version=expected_version)


def _set_m2m(obj, *, actor, m2m):
    before, after = {}, {}
    for name, values in m2m.items():
        manager = getattr(obj, name)
        old = sorted(manager.values_list("pk", flat=True))
        new = sorted(v.pk if hasattr(v, "pk") else int(v) for v in values)
        if old != new:
            manager.set(new)
            before[name], after[name] = old, new
    if after:
        write_change(actor=actor, action="update", obj=obj, before=before, after=after)


@transaction.atomic
def system_delete(system, *, actor, expected_version=None):
    """Delete a system with its own parts (roles, usages, links, information), each logged.

    A system that other systems integrate with is refused: those integrations belong to the
    other systems' pictures too; retire the system or remove the integrations first.
    """
    integrations = system.outgoing.count() + system.incoming.count()
    if integrations:
        raise ValidationError(
            _(
                "%(system)s has %(count)s integrations with other systems. Retire the system, "
                "or remove its integrations first."
            )
            % {"system": system, "count": integrations}
        )
    for part in [
        *system.roles.all(),
        *system.usages.all(),
        *system.links.all(),
        *system.information.all(),
    ]:
        core.delete_object(part, actor=actor)
    return core.delete_object(system, actor=actor, expected_version=expected_version)


@transaction.atomic
def system_review(system, *, actor, on):
    """Record that the system's facts were reviewed on a date."""
    if system.last_reviewed and on < system.last_reviewed:
        raise ValidationError({"last_reviewed": _("A review cannot predate the previous one.")})
    return core.update_object(system, actor=actor, data={"last_reviewed": on})


@transaction.atomic
def system_retire(system, *, actor, on):
    """Retire a system: phase, date, and end its active roles and integrations."""
    from itportal.registry.choices import IntegrationStatus, Lifecycle

    core.update_object(system, actor=actor, data={"lifecycle": Lifecycle.RETIRED, "retired_on": on})
    for role in system.roles.filter(end__isnull=True):
        core.update_object(role, actor=actor, data={"end": on})
    for integration in [*system.outgoing.all(), *system.incoming.all()]:
        if integration.status != IntegrationStatus.RETIRED:
            core.update_object(integration, actor=actor, data={"status": IntegrationStatus.RETIRED})
    return system


__all__ = [
    "record_create",
    "record_delete",
    "record_update",
    "snapshot",
    "system_retire",
    "system_review",
]
