"""The ticket FilterSet, shared by the agents' queue and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from itportal.catalogue.models import Service
from itportal.core.filters import SearchFilterSet
from itportal.servicedesk import selectors
from itportal.servicedesk.choices import OPEN_STATUSES, Kind, Priority, Status
from itportal.servicedesk.models import AssignmentGroup, IntakeMessage, Ticket

OPEN = "open"
ALL = "all"
MINE = "mine"
NOBODY = "none"


class TicketFilterSet(SearchFilterSet):
    search_fields = (
        "number",
        "title",
        "requester__first_name",
        "requester__last_name",
        "requester__email",
    )
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(
        choices=[(OPEN, _("Open (not resolved)")), (ALL, _("All")), *Status.choices],
        label=_("Status"),
        method="filter_status",
        empty_label=_("Any"),
    )
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("Priority"))
    group = django_filters.ModelChoiceFilter(
        queryset=AssignmentGroup.objects.order_by("name"), label=_("Assignment group")
    )
    agent = django_filters.ChoiceFilter(
        label=_("Agent"), method="filter_agent", choices=[], empty_label=_("Anybody")
    )
    service = django_filters.ModelChoiceFilter(
        queryset=Service.objects.order_by("name"), label=_("Service")
    )
    breached = django_filters.BooleanFilter(
        label=_("SLA breached"),
        method="filter_breached",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = Ticket
        fields = ("q", "kind", "status", "priority", "group", "agent", "service", "breached")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agents = [
            (str(user.pk), user.get_full_name() or user.get_username())
            for user in selectors.agents()
        ]
        self.filters["agent"].extra["choices"] = [
            (MINE, _("Assigned to me")),
            (NOBODY, _("Unassigned")),
            *agents,
        ]
        self.form.fields["agent"].choices = self.filters["agent"].extra["choices"]

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        if value == ALL:
            return queryset
        return queryset.filter(status=value)

    def filter_agent(self, queryset, name, value):
        if value == MINE:
            user = getattr(self.request, "user", None)
            return queryset.filter(agent_id=getattr(user, "pk", None))
        if value == NOBODY:
            return queryset.filter(agent__isnull=True)
        return queryset.filter(agent_id=value)

    def filter_breached(self, queryset, name, value):
        breached = Q(response_breached=True) | Q(resolution_breached=True)
        return queryset.filter(breached) if value else queryset.exclude(breached)


class IntakeFilterSet(SearchFilterSet):
    search_fields = ("sender", "subject", "error")
    outcome = django_filters.ChoiceFilter(choices=IntakeMessage.Outcome.choices, label=_("Outcome"))

    class Meta:
        model = IntakeMessage
        fields = ("q", "outcome")
