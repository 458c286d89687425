"""Every write to the organisation register. Each one validates, keeps the unit tree's
materialised paths consistent, and writes its audit row in the same transaction."""

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from itportal.core import services as core
from itportal.organisation.models import OrgUnit


def _path_for(unit):
    parent_path = unit.parent.path if unit.parent_id else "/"
    return f"{parent_path}{unit.pk}/"


# Organisations, vendors, contacts, bodies, memberships, people, unit roles: plain CRUD.
def record_create(obj, *, actor):
    return core.create_object(obj, actor=actor)


def record_update(obj, *, actor, data=None, expected_version=None):
    return core.update_object(obj, actor=actor, data=data, expected_version=expected_version)


def record_delete(obj, *, actor, expected_version=None):
    return core.delete_object(obj, actor=actor, expected_version=expected_version)


@transaction.atomic
def orgunit_create(unit, *, actor):
    unit.path = "/pending/"
    core.create_object(unit, actor=actor)
    unit.path = _path_for(unit)
    unit.depth = unit.path.count("/") - 2
    OrgUnit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
    return unit


@transaction.atomic
def orgunit_update(unit, *, actor, data=None, expected_version=None):
    """Update a unit; a new parent moves the whole subtree (one UPDATE for the descendants)."""
    stored = OrgUnit.objects.values("path", "depth", "parent_id", "organisation_id").get(pk=unit.pk)
    unit.path, unit.depth = stored["path"], stored["depth"]
    for name, value in (data or {}).items():
        setattr(unit, name, value)
    if unit.parent_id != stored["parent_id"]:
        unit.full_clean()  # the cycle check needs the old path
        unit.path = _path_for(unit)
        unit.depth = unit.path.count("/") - 2
    core.update_object(unit, actor=actor, expected_version=expected_version)
    if unit.path != stored["path"]:
        OrgUnit.objects.filter(path__startswith=stored["path"]).exclude(pk=unit.pk).update(
            path=Concat(Value(unit.path), Substr("path", len(stored["path"]) + 1)),
            depth=F("depth") + (unit.depth - stored["depth"]),
        )
    return unit


def orgunit_delete(unit, *, actor, expected_version=None):
    return core.delete_object(unit, actor=actor, expected_version=expected_version)
