import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from itportal.catalogue.models import Service
from itportal.chargeback.models import (
    Adjustment,
    ChargebackLine,
    ChargebackRun,
    LineKind,
    RunState,
)
from itportal.core.filters import SearchFilterSet
from itportal.organisation.models import Organisation, OrgUnit


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class RunFilterSet(SearchFilterSet):
    search_fields = ("organisation__name",)
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(), label=_("Organisation")
    )
    state = django_filters.ChoiceFilter(choices=RunState.choices, label=_("State"))
    year = YearFilter(
        field_name="period_start",
        lookup_expr="year",
        label=_("Year"),
        min_value=2000,
        max_value=2100,
    )

    class Meta:
        model = ChargebackRun
        fields = ("q", "organisation", "state", "year")


class LineFilterSet(SearchFilterSet):
    search_fields = ("description", "cost_centre")
    run = django_filters.ModelChoiceFilter(queryset=ChargebackRun.objects.all(), label=_("Run"))
    unit = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.all(), label=_("Unit"))
    kind = django_filters.ChoiceFilter(choices=LineKind.choices, label=_("Kind"))
    service = django_filters.ModelChoiceFilter(queryset=Service.objects.all(), label=_("Service"))

    class Meta:
        model = ChargebackLine
        fields = ("q", "run", "unit", "kind", "service")

    def __init__(self, *args, run=None, **kwargs):
        super().__init__(*args, **kwargs)
        if run is not None:
            # On a run's page: only that organisation's units, and no run choice
            del self.filters["run"]
            del self.form.fields["run"]
            self.filters["unit"].queryset = OrgUnit.objects.filter(organisation=run.organisation)
            self.form.fields["unit"].queryset = self.filters["unit"].queryset


class AdjustmentFilterSet(django_filters.FilterSet):
    class Meta:
        model = Adjustment
        fields = ("original", "booked_in")
