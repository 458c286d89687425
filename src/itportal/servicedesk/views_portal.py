"""The self-service portal: my tickets, my units' orders (with approvals for IT coordinators
and managers), reporting an incident and ordering a service from the catalogue.

Any logged-in user whose login is linked to a person in the organisation register may use it;
others get a page that says whom to ask."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from itportal.catalogue.choices import ServiceStatus
from itportal.catalogue.models import Service
from itportal.core.access import LoggedIn
from itportal.core.views import PortalView, add_errors
from itportal.servicedesk import forms, selectors, services
from itportal.servicedesk.choices import Channel, Kind, Level
from itportal.servicedesk.views_tickets import is_agent


class PersonView(PortalView):
    """A portal page for the person behind the login; without one, a page saying whom to ask."""

    access_rule = LoggedIn()

    def dispatch(self, request, *args, **kwargs):
        if not self.access_rule.allows(request.user):
            return super().dispatch(request, *args, **kwargs)
        self.person = selectors.person_of(request.user)
        if self.person is None:
            return TemplateResponse(request, "servicedesk/portal_no_person.html", {})
        return super().dispatch(request, *args, **kwargs)


class Portal(PersonView):
    template_name = "servicedesk/portal.html"

    def get(self, request):
        user = request.user
        now = timezone.now()
        tickets = list(selectors.my_tickets(self.person, now))
        for ticket in tickets:
            ticket.sla_text = selectors.sla_words(ticket, now)
        orders = selectors.unit_orders(user, now)
        if orders is not None:
            orders = list(orders)
            for order in orders:
                order.may_decide = order.approval == "pending" and services.may_approve(user, order)
        context = {
            "person": self.person,
            "tickets": tickets,
            "orders": orders,
            "agent": is_agent(user),
            "orderable": Service.objects.filter(
                status=ServiceStatus.ACTIVE, orderable=True
            ).exists(),
        }
        return TemplateResponse(request, self.template_name, context)


class IncidentNew(PersonView):
    template_name = "servicedesk/incident_new.html"

    def render(self, form, status=200):
        context = {"form": form, "person": self.person}
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request):
        initial = {}
        if request.GET.get("service", "").isdigit():
            initial["service"] = int(request.GET["service"])
        return self.render(forms.IncidentForm(user=request.user, initial=initial))

    def post(self, request):
        form = forms.IncidentForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services.open_ticket(
                    kind=Kind.INCIDENT,
                    requester=self.person,
                    title=data["title"],
                    description=data["description"],
                    service=data["service"],
                    system=data["system"],
                    impact=Level.LOW,  # self-reported: the desk raises it if more are affected
                    urgency=data["urgency"],
                    actor=request.user,
                    channel=Channel.PORTAL,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Thank you. Your incident is registered as %(ticket)s.")
                    % {"ticket": ticket.number},
                )
                return HttpResponseRedirect(ticket.get_absolute_url())
        return self.render(form, status=400)


def plain(quantity):
    """2.00 → 2, 1.50 → 1.5 (never 1E+1)."""
    if quantity == quantity.to_integral_value():
        return str(quantity.quantize(1))
    return str(quantity.normalize())


def orderable_services():
    return Service.objects.filter(status=ServiceStatus.ACTIVE, orderable=True).order_by("name")


class Order(PersonView):
    """Order an orderable service: quantity and a justification; the unit's IT coordinator or
    manager approves, IT delivers."""

    template_name = "servicedesk/order.html"

    def get_service(self):
        value = self.request.GET.get("service", "") or self.request.POST.get("service", "")
        if not value.isdigit():
            return None
        return orderable_services().filter(pk=int(value)).first()

    def render(self, form, service, status=200):
        context = {
            "form": form,
            "service": service,
            "person": self.person,
            "services": None if service else list(orderable_services()),
            "asked": bool(self.request.GET.get("service") or self.request.POST.get("service")),
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render(forms.OrderForm(), self.get_service())

    def post(self, request):
        service = self.get_service()
        form = forms.OrderForm(request.POST)
        if service is None:
            return self.render(form, None, status=400)
        if form.is_valid():
            quantity = form.cleaned_data["quantity"]
            try:
                ticket = services.open_ticket(
                    kind=Kind.REQUEST,
                    requester=self.person,
                    title=_("Order: %(service)s × %(quantity)s")
                    % {"service": service.name, "quantity": plain(quantity)},
                    description=form.cleaned_data["justification"],
                    service=service,
                    quantity=quantity,
                    actor=request.user,
                    channel=Channel.PORTAL,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Your order %(ticket)s is registered. Your unit's IT coordinator or "
                        "manager approves it; then the IT office delivers."
                    )
                    % {"ticket": ticket.number},
                )
                return HttpResponseRedirect(ticket.get_absolute_url())
        return self.render(form, service, status=400)
