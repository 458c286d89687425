"""Filters of changes and blackout periods, shared by the list pages and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from itportal.core.filters import SearchFilterSet
from itportal.registry.models import System
from itportal.servicedesk.models import Blackout, Change, ChangeKind, ChangeStatus

DATE = forms.DateInput(attrs={"type": "date"})


def _systems(request=None):
    return System.objects.order_by("name").only("pk", "name")


class ChangeFilterSet(SearchFilterSet):
    search_fields = ("number", "title", "description")
    status = django_filters.MultipleChoiceFilter(choices=ChangeStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=ChangeKind.choices, label=_("Kind"))
    system = django_filters.ModelChoiceFilter(
        queryset=_systems, field_name="systems", label=_("System"), distinct=True
    )
    window_from = django_filters.DateFilter(
        field_name="planned_end",
        lookup_expr="date__gte",
        label=_("Window from"),
        widget=DATE,
        help_text=_("Changes whose window ends on or after this day."),
    )
    window_to = django_filters.DateFilter(
        field_name="planned_start",
        lookup_expr="date__lte",
        label=_("Window to"),
        widget=DATE,
        help_text=_("Changes whose window starts on or before this day."),
    )

    class Meta:
        model = Change
        fields = ("q", "status", "kind", "system", "window_from", "window_to")


class BlackoutFilterSet(SearchFilterSet):
    search_fields = ("name", "description")
    system = django_filters.ModelChoiceFilter(
        queryset=_systems,
        label=_("System"),
        method="filter_system",
        help_text=_("Blackout periods of this system, and those of every system."),
    )
    active_from = django_filters.DateFilter(
        field_name="end", lookup_expr="date__gte", label=_("From"), widget=DATE
    )
    active_to = django_filters.DateFilter(
        field_name="start", lookup_expr="date__lte", label=_("To"), widget=DATE
    )

    class Meta:
        model = Blackout
        fields = ("q", "system", "active_from", "active_to")

    @extend_schema_field(OpenApiTypes.INT)
    def filter_system(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(systems=value) | Q(systems__isnull=True)).distinct()
