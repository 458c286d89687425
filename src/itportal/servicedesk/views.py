"""Service desk pages that are neither the portal nor one ticket: the agents' dashboard and
the list of incoming e-mail. The portal is in views_portal.py, tickets in views_tickets.py."""

from django.template.response import TemplateResponse
from django.urls import reverse

from itportal.core.views import ObjectListView, PortalView
from itportal.servicedesk import selectors
from itportal.servicedesk.filtersets import IntakeFilterSet
from itportal.servicedesk.models import IntakeMessage
from itportal.servicedesk.tables import IntakeTable
from itportal.servicedesk.views_tickets import AGENTS


class Dashboard(PortalView):
    """Open tickets by priority, breached and at-risk counts, age and group (IT staff)."""

    access_rule = AGENTS
    template_name = "servicedesk/dashboard.html"

    def get(self, request):
        context = selectors.dashboard()
        context["queue_url"] = reverse("servicedesk:ticket_list")
        return TemplateResponse(request, self.template_name, context)


class IntakeList(ObjectListView):
    """Incoming e-mail, with those that could not become a ticket or a reply and why."""

    model = IntakeMessage
    table_class = IntakeTable
    filterset_class = IntakeFilterSet
    add_view_exists = False

    def list_url(self):
        return reverse("servicedesk:intake_list")

    def get_queryset(self):
        return super().get_queryset().select_related("ticket").defer("raw")
