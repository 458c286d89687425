"""Tables of changes and blackout periods (list pages and exports)."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from itportal.core.tables import PortalTable
from itportal.servicedesk.models import Blackout, Change


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "–"


class WhenColumn(tables.Column):
    def render(self, value):
        return _local(value)

    def value(self, value):
        return _local(value) if value else ""


class SystemsColumn(tables.Column):
    def __init__(self, **kwargs):
        super().__init__(accessor="systems", orderable=False, **kwargs)

    def render(self, value):
        return ", ".join(system.name for system in value.all()) or "–"

    def value(self, value):
        return ", ".join(system.name for system in value.all())


class ChangeTable(PortalTable):
    number = tables.Column(linkify=True)
    title = tables.Column(linkify=True)
    planned_start = WhenColumn()
    planned_end = WhenColumn()
    systems = SystemsColumn(verbose_name=_("systems"))
    requested_by = tables.Column(verbose_name=_("requested by"))

    class Meta(PortalTable.Meta):
        model = Change
        fields = (
            "number",
            "title",
            "kind",
            "status",
            "risk",
            "planned_start",
            "planned_end",
            "systems",
            "requested_by",
        )

    default_columns = (
        "number",
        "title",
        "kind",
        "status",
        "planned_start",
        "planned_end",
        "systems",
    )


class BlackoutTable(PortalTable):
    name = tables.Column(linkify=True)
    start = WhenColumn()
    end = WhenColumn()
    systems = SystemsColumn(verbose_name=_("systems"), default=_("all systems"))

    class Meta(PortalTable.Meta):
        model = Blackout
        fields = ("name", "start", "end", "systems", "description")

    default_columns = ("name", "start", "end", "systems")
