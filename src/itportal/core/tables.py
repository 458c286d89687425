import django_tables2 as tables
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_tables2.columns.base import library

from itportal.core.display import number


@library.register
class NumberColumn(tables.Column):
    """Whole numbers and amounts, grouped and with the local decimal mark ('1 257 000,00'),
    right-aligned. Registered with django-tables2 so every numeric model field gets it."""

    def __init__(self, *args, decimals=0, **kwargs):
        self.decimals = decimals
        attrs = kwargs.pop("attrs", {}) or {}
        attrs.setdefault("td", {"class": "text-end"})
        attrs.setdefault("th", {"class": "text-end"})
        super().__init__(*args, attrs=attrs, **kwargs)

    def render(self, value):
        return number(value, self.decimals)

    def value(self, value):
        return value  # exports keep the plain number

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DecimalField):
            return cls(decimals=field.decimal_places, **kwargs)
        if isinstance(field, models.IntegerField) and not field.choices and not field.primary_key:
            return cls(**kwargs)
        return None


class PortalTable(tables.Table):
    """Base table: first column links to the object; `default_columns` are shown at first,
    the rest can be switched on with the column chooser."""

    default_columns = None

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("No rows match.")

    @classmethod
    def choosable_columns(cls):
        model = getattr(cls._meta, "model", None)
        columns = []
        for name, column in cls.base_columns.items():
            label = column.verbose_name
            if label is None and model is not None:
                try:
                    label = model._meta.get_field(name).verbose_name
                except Exception:
                    label = name
            columns.append((name, capfirst(label or name)))
        return columns

    @classmethod
    def initial_columns(cls):
        return list(cls.default_columns or cls.base_columns.keys())
