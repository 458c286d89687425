"""Generic write services: every change is validated, versioned and written to the audit log
inside one transaction. Domain services (`<app>/services.py`) build on these.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import F
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext as _

from itportal.core.context import current_request_id, current_source
from itportal.core.models import ObjectChange


class StaleObjectError(ValidationError):
    """Raised when an edit was based on an older version than the one stored."""

    def __init__(self, obj):
        super().__init__(
            _(
                "%(object)s was changed by someone else while you were editing "
                "(your version %(yours)s, stored version %(stored)s). "
                "Reload the page to see the new values, then make your change again."
            ),
            code="stale",
            params={"object": str(obj), "yours": obj.version, "stored": _stored_version(obj)},
        )


def _stored_version(obj):
    return type(obj)._base_manager.filter(pk=obj.pk).values_list("version", flat=True).first()


def _value(obj, field):
    if isinstance(field, models.ForeignKey):
        return getattr(obj, field.attname)
    if isinstance(field, models.FileField):
        value = getattr(obj, field.name)
        return value.name if value else ""
    return field.value_from_object(obj)


def snapshot(obj):
    """The audited fields of obj as a JSON-able dict (foreign keys by id)."""
    exclude = set(getattr(obj, "audit_exclude", ()))
    data = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in exclude:
            continue
        data[field.name] = _value(obj, field)
    return data


def _actor_label(actor):
    if actor is None:
        return current_source() or "system"
    if isinstance(actor, str):
        return actor
    return actor.get_username()


def write_change(*, actor, action, obj, before, after):
    """Append one audit row. `actor` is a user, a label such as 'command:demo', or None."""
    return ObjectChange.objects.create(
        user=actor if actor is not None and not isinstance(actor, str) else None,
        actor=_actor_label(actor)[:150],
        source=current_source()[:50],
        request_id=current_request_id(),
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
    )


def _diff(before, after):
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


@transaction.atomic
def create_object(obj, *, actor, m2m=None):
    """Validate and insert a new object, and write its 'create' audit row."""
    obj.full_clean()
    obj.version = 1
    obj.save(force_insert=True)
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    write_change(
        actor=actor, action=ObjectChange.Action.CREATE, obj=obj, before={}, after=snapshot(obj)
    )
    return obj


@transaction.atomic
def update_object(obj, *, actor, data=None, expected_version=None):
    """Apply `data` to obj, validate, and save only if nobody else saved in between.

    `expected_version` is the version the editor saw (defaults to obj.version). The UPDATE
    matches on it, so two concurrent editors cannot both win: the second gets StaleObjectError.
    Returns the object; writes no audit row and no new version when nothing changed.
    """
    model = type(obj)
    seen = obj.version if expected_version is None else int(expected_version)
    stored = model._base_manager.select_for_update().get(pk=obj.pk)
    before = snapshot(stored)
    for name, value in (data or {}).items():
        setattr(obj, name, value)
    obj.version = seen
    if stored.version != seen:
        raise StaleObjectError(obj)
    obj.full_clean()
    after = snapshot(obj)
    old, new = _diff(before, after)
    if not new:
        return obj
    values = {
        f.attname: getattr(obj, f.attname)
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in ("version", "created")
    }
    if "updated" in values:
        values["updated"] = obj.updated = timezone.now()
    matched = model._base_manager.filter(pk=obj.pk, version=seen).update(
        version=F("version") + 1, **values
    )
    if matched != 1:
        raise StaleObjectError(obj)
    obj.version = seen + 1
    write_change(actor=actor, action=ObjectChange.Action.UPDATE, obj=obj, before=old, after=new)
    return obj


def _log_related_changes(obj, *, actor):
    """Write audit rows for what deleting obj also changes: rows deleted in cascade and
    references set to NULL. Raises ProtectedError like the delete itself would."""
    collector = Collector(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    cascaded = [inst for instances in collector.data.values() for inst in instances]
    cascaded += [inst for queryset in collector.fast_deletes for inst in queryset]
    for inst in cascaded:
        if inst is obj or (type(inst) is type(obj) and inst.pk == obj.pk):
            continue
        write_change(
            actor=actor,
            action=ObjectChange.Action.DELETE,
            obj=inst,
            before=snapshot(inst),
            after={},
        )
    for (field, value), batches in collector.field_updates.items():
        for batch in batches:
            for inst in batch:
                old = getattr(inst, field.attname)
                if any(f.name == "version" for f in type(inst)._meta.concrete_fields):
                    type(inst)._base_manager.filter(pk=inst.pk).update(version=F("version") + 1)
                write_change(
                    actor=actor,
                    action=ObjectChange.Action.UPDATE,
                    obj=inst,
                    before={field.name: old},
                    after={field.name: value},
                )


@transaction.atomic
def delete_object(obj, *, actor, expected_version=None):
    """Delete obj (refusing a stale version) and write its 'delete' audit row."""
    seen = obj.version if expected_version is None else int(expected_version)
    stored = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    if stored.version != seen:
        obj.version = seen
        raise StaleObjectError(obj)
    before = snapshot(stored)
    pk = obj.pk
    try:
        _log_related_changes(obj, actor=actor)
        write_change(
            actor=actor, action=ObjectChange.Action.DELETE, obj=obj, before=before, after={}
        )
        obj.delete()
    except models.ProtectedError as exc:
        blockers = sorted({str(o) for o in exc.protected_objects})
        shown = ", ".join(blockers[:5]) + (" …" if len(blockers) > 5 else "")
        raise ValidationError(
            _("%(object)s cannot be deleted while %(count)s other records refer to it: %(list)s"),
            code="protected",
            params={"object": str(obj), "count": len(blockers), "list": shown},
        ) from None
    obj.pk = pk
    return obj
