"""One FilterSet per catalogue model, shared by the list pages and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from itportal.catalogue.choices import (
    BillingUnit,
    Category,
    FeeBasis,
    ServiceStatus,
    SubscriptionSource,
)
from itportal.catalogue.models import ITFeeRule, Price, PriceList, Service, Subscription
from itportal.core.filters import SearchFilterSet
from itportal.organisation.filtersets import UnitIdInput
from itportal.organisation.models import Organisation, OrgUnit

DATE_INPUT = {"type": "date"}


class ServiceFilterSet(SearchFilterSet):
    search_fields = ("name", "code", "summary", "included")
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"))
    status = django_filters.ChoiceFilter(choices=ServiceStatus.choices, label=_("Status"))
    billing_unit = django_filters.ChoiceFilter(choices=BillingUnit.choices, label=_("Billing unit"))
    orderable = django_filters.BooleanFilter(label=_("Orderable"))

    class Meta:
        model = Service
        fields = ("q", "category", "status", "billing_unit", "orderable")


class PriceListFilterSet(SearchFilterSet):
    search_fields = ("note",)

    class Meta:
        model = PriceList
        fields = ("q", "year")


class PriceFilterSet(SearchFilterSet):
    search_fields = ("service__name", "service__code")
    year = django_filters.NumberFilter(field_name="price_list__year", label=_("Year"))
    valid_on = django_filters.DateFilter(
        label=_("Valid on"),
        method="filter_valid_on",
        widget=forms.DateInput(attrs=DATE_INPUT),
    )

    class Meta:
        model = Price
        fields = ("q", "price_list", "service", "year", "valid_on")

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(valid_from__lte=value).filter(
            Q(valid_to__gte=value) | Q(valid_to__isnull=True, price_list__year=value.year)
        )


class SubscriptionFilterSet(SearchFilterSet):
    search_fields = (
        "reference",
        "identifiers",
        "note",
        "unit__name",
        "unit__cost_centre",
        "service__name",
        "service__code",
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.all(),
        label=_("Unit (and the units below it)"),
        method="filter_unit",
        widget=UnitIdInput,
    )
    cost_centre = django_filters.CharFilter(field_name="unit__cost_centre", label=_("Cost centre"))
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(),
        field_name="unit__organisation",
        label=_("Organisation"),
    )
    service = django_filters.ModelChoiceFilter(queryset=Service.objects.all(), label=_("Service"))
    category = django_filters.ChoiceFilter(
        choices=Category.choices, field_name="service__category", label=_("Category")
    )
    active_on = django_filters.DateFilter(
        label=_("Active on"),
        method="filter_active_on",
        widget=forms.DateInput(attrs=DATE_INPUT),
    )
    source = django_filters.ChoiceFilter(choices=SubscriptionSource.choices, label=_("Source"))

    class Meta:
        model = Subscription
        fields = (
            "q",
            "unit",
            "cost_centre",
            "organisation",
            "service",
            "category",
            "active_on",
            "source",
        )

    @extend_schema_field(OpenApiTypes.INT)
    def filter_unit(self, queryset, name, value):
        return queryset.filter(unit__path__startswith=value.path)

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(start__lte=value).filter(Q(end__isnull=True) | Q(end__gte=value))


class ITFeeRuleFilterSet(SearchFilterSet):
    search_fields = ("description", "organisation__name")
    basis = django_filters.ChoiceFilter(choices=FeeBasis.choices, label=_("Basis"))

    class Meta:
        model = ITFeeRule
        fields = ("q", "organisation", "basis")
