"""Values as a Swedish (or English) reader should see them: choice labels, yes/no, related
objects by name, grouped numbers and money, local dates."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import models
from django.utils import formats
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

SOURCES = {"web": "web", "import": "import", "command": "command", "task": "task"}


def number(value, decimals=0):
    """1234567.5 → '1 234 567,50' in Swedish (grouped, local decimal mark)."""
    if value is None or value == "":
        return ""
    return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


def source_label(code):
    labels = {
        "web": _("web"),
        "import": _("import"),
        "command": _("command"),
        "task": _("background task"),
        "api": _("API"),
    }
    return labels.get(code, code)


def display_value(field, value, related=None):
    """A stored value (as on the model or as in the change log's JSON) for display."""
    if value is None or value == "" or value == []:
        return None
    if getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, models.ForeignKey):
        if hasattr(value, "_meta"):
            return value
        return (related or {}).get((field.related_model, str(value)), f"#{value}")
    if isinstance(field, models.ManyToManyField):
        names = [str((related or {}).get((field.related_model, str(v)), f"#{v}")) for v in value]
        return ", ".join(sorted(names))
    if isinstance(field, models.DecimalField):
        return number(Decimal(str(value)), field.decimal_places)
    if isinstance(field, models.IntegerField):
        return number(int(value), 0)
    if isinstance(field, models.DateTimeField):
        when = parse_datetime(value) if isinstance(value, str) else value
        return formats.date_format(when, "SHORT_DATETIME_FORMAT") if when else value
    if isinstance(field, models.DateField):
        day = parse_date(value) if isinstance(value, str) else value
        return (
            formats.date_format(day, "SHORT_DATE_FORMAT")
            if isinstance(day, datetime.date)
            else value
        )
    return value


def describe_changes(changes, model):
    """[(change, [(label, before, after)])] with readable values; one query per related model
    for all foreign keys named in the whole history."""
    wanted = defaultdict(set)
    fields = {}
    for change in changes:
        for name, before, after in change.changed_fields:
            field = _field(model, name)
            fields[name] = field
            if isinstance(field, models.ForeignKey):
                for value in (before, after):
                    if value not in (None, ""):
                        wanted[field.related_model].add(value)
            elif isinstance(field, models.ManyToManyField):
                for values in (before, after):
                    wanted[field.related_model].update(values or ())
    related = {}
    for related_model, ids in wanted.items():
        for obj in related_model._default_manager.filter(pk__in=ids):
            related[(related_model, str(obj.pk))] = obj
    result = []
    for change in changes:
        rows = []
        for name, before, after in change.changed_fields:
            field = fields[name]
            label = field.verbose_name if field is not None else name
            if field is None:
                rows.append((label, before, after))
                continue
            rows.append(
                (label, display_value(field, before, related), display_value(field, after, related))
            )
        result.append((change, rows))
    return result


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:
        return None
