import django_tables2 as tables
from django.utils.translation import gettext_lazy as _


class PortalTable(tables.Table):
    """Base table: first column links to the object; `default_columns` are shown at first,
    the rest can be switched on with the column chooser."""

    default_columns = None

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("No rows match.")

    @classmethod
    def choosable_columns(cls):
        return [(name, col.verbose_name or name) for name, col in cls.base_columns.items()]

    @classmethod
    def initial_columns(cls):
        return list(cls.default_columns or cls.base_columns.keys())
