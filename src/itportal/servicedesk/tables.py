import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from itportal.core.tables import PortalTable
from itportal.servicedesk.models import IntakeMessage, Ticket


class SelectColumn(tables.Column):
    """A labelled checkbox per row for the bulk actions; the boxes belong to the bulk form
    (by its id), so the table needs no form around it."""

    def __init__(self, form_id="bulk-form", **kwargs):
        self.form_id = form_id
        kwargs.setdefault("verbose_name", _("Select"))
        super().__init__(
            accessor="pk",
            orderable=False,
            exclude_from_export=True,
            empty_values=(),
            **kwargs,
        )

    def render(self, record):
        return format_html(
            '<input type="checkbox" class="form-check-input" name="tickets" value="{}" '
            'form="{}" aria-label="{}">',
            record.pk,
            self.form_id,
            gettext("Select %(ticket)s") % {"ticket": record.number},
        )


class TicketTable(PortalTable):
    select = SelectColumn()
    number = tables.Column(linkify=True)
    title = tables.Column(linkify=lambda record: record.get_absolute_url())
    requester = tables.Column(order_by=("requester__last_name", "requester__first_name"))
    unit = tables.Column()
    service = tables.Column()
    group = tables.Column()
    agent = tables.Column()
    breached = tables.Column(
        verbose_name=_("breached"), accessor="pk", orderable=False, empty_values=()
    )

    class Meta(PortalTable.Meta):
        model = Ticket
        fields = (
            "select",
            "number",
            "title",
            "kind",
            "status",
            "priority",
            "requester",
            "unit",
            "service",
            "group",
            "agent",
            "opened_at",
            "response_due",
            "resolution_due",
            "breached",
            "approval",
            "channel",
        )

    default_columns = (
        "number",
        "title",
        "kind",
        "status",
        "priority",
        "requester",
        "group",
        "agent",
        "resolution_due",
        "breached",
    )

    @classmethod
    def choosable_columns(cls):
        return [(n, label) for n, label in super().choosable_columns() if n != "select"]

    def render_agent(self, value):
        return value.get_full_name() or value.get_username()

    def value_agent(self, value):
        return value.get_username() if value else ""

    def render_opened_at(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")

    def render_breached(self, record):
        if record.response_breached or record.resolution_breached:
            return format_html('<span class="badge text-bg-danger">{}</span>', gettext("Breached"))
        return "–"

    def value_breached(self, record):
        return gettext("Yes") if record.response_breached or record.resolution_breached else ""


class IntakeTable(PortalTable):
    received_at = tables.Column()
    ticket = tables.Column(linkify=True)

    class Meta(PortalTable.Meta):
        model = IntakeMessage
        fields = ("received_at", "sender", "subject", "outcome", "error", "ticket")
