import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from itportal.core.filters import SearchFilterSet
from itportal.organisation.choices import BodyKind, OrganisationKind, UnitKind
from itportal.organisation.models import Body, Organisation, OrgUnit, Person, Vendor


class OrganisationFilterSet(SearchFilterSet):
    search_fields = ("name", "short_name", "org_number", "municipality_code")
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, label=_("kind"))

    class Meta:
        model = Organisation
        fields = ("q", "kind", "active")


class OrgUnitFilterSet(SearchFilterSet):
    search_fields = ("name", "cost_centre")
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices, label=_("kind"))
    within = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.filter(depth__lte=1),
        label=_("Within unit"),
        method="filter_within",
    )

    class Meta:
        model = OrgUnit
        fields = ("q", "organisation", "kind", "within", "active")

    @extend_schema_field(OpenApiTypes.INT)
    def filter_within(self, queryset, name, value):
        return queryset.filter(path__startswith=value.path)


class UnitIdInput(forms.NumberInput):
    """The unit filter takes an id (from links on the unit pages): a select of every unit
    would be long; the filter still validates that the unit exists."""


class PersonFilterSet(SearchFilterSet):
    search_fields = ("first_name", "last_name", "email", "title")
    within = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.filter(depth__lte=1),
        label=_("Within unit"),
        method="filter_within",
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.all(), field_name="unit", label=_("Unit"), widget=UnitIdInput
    )

    class Meta:
        model = Person
        fields = ("q", "within", "unit", "active")

    @extend_schema_field(OpenApiTypes.INT)
    def filter_within(self, queryset, name, value):
        return queryset.filter(unit__path__startswith=value.path)


class VendorFilterSet(SearchFilterSet):
    search_fields = ("name", "org_number", "email")

    class Meta:
        model = Vendor
        fields = ("q", "country")


class BodyFilterSet(SearchFilterSet):
    search_fields = ("name", "description")
    kind = django_filters.ChoiceFilter(choices=BodyKind.choices, label=_("kind"))

    class Meta:
        model = Body
        fields = ("q", "kind", "organisation", "active")
