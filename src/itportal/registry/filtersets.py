import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from itportal.core.filters import SearchFilterSet
from itportal.organisation.models import OrgUnit, Person
from itportal.registry.choices import (
    IntegrationStatus,
    LicenceMetric,
    Lifecycle,
    OperatingForm,
    Scope,
    Technology,
)
from itportal.registry.models import (
    Capability,
    Contract,
    Integration,
    Licence,
    RoleType,
    System,
    SystemRole,
    SystemUsage,
    Tag,
)


def rule_choices():
    from itportal.registry.rules import RULES

    return [(rule.code, rule.title) for rule in RULES]


class SystemFilterSet(SearchFilterSet):
    search_fields = ("name", "aliases", "product", "description")
    lifecycle = django_filters.MultipleChoiceFilter(choices=Lifecycle.choices, label=_("Phase"))
    scope = django_filters.ChoiceFilter(choices=Scope.choices, label=_("Scope"))
    operating_form = django_filters.ChoiceFilter(
        choices=OperatingForm.choices, label=_("Operating form")
    )
    unit = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.filter(depth__lte=1),
        label=_("Owned or used within"),
        method="filter_unit",
    )
    role_type = django_filters.ModelChoiceFilter(
        queryset=RoleType.objects.all(), label=_("Role"), method="filter_role_type"
    )
    holder = django_filters.CharFilter(label=_("Role holder (e-mail)"), method="filter_holder")
    capability = django_filters.ModelChoiceFilter(
        queryset=Capability.objects.all(), field_name="capabilities", label=_("Capability")
    )
    tag = django_filters.ModelChoiceFilter(
        queryset=Tag.objects.all(), field_name="tags", label=_("Tag")
    )
    hosting_country = django_filters.CharFilter(label=_("Hosting country"))
    self_developed = django_filters.BooleanFilter(label=_("Self-developed"))
    finding = django_filters.ChoiceFilter(
        choices=rule_choices, label=_("Breaks the rule"), method="filter_finding"
    )

    class Meta:
        model = System
        fields = (
            "q",
            "lifecycle",
            "scope",
            "operating_form",
            "unit",
            "role_type",
            "holder",
            "capability",
            "tag",
            "vendor",
            "hosting_country",
            "self_developed",
            "finding",
        )

    @extend_schema_field(OpenApiTypes.INT)
    def filter_unit(self, queryset, name, value):
        return queryset.filter(
            Q(owning_unit__path__startswith=value.path)
            | Q(
                pk__in=SystemUsage.objects.filter(unit__path__startswith=value.path).values(
                    "system_id"
                )
            )
        )

    @extend_schema_field(OpenApiTypes.INT)
    def filter_role_type(self, queryset, name, value):
        return queryset.filter(pk__in=value.assignments.values("system_id"))

    @extend_schema_field(OpenApiTypes.STR)
    def filter_holder(self, queryset, name, value):
        today = timezone.localdate()
        people = Person.objects.filter(email__iexact=value.strip())
        roles = (
            SystemRole.objects.filter(person__in=people)
            .filter(Q(end__isnull=True) | Q(end__gte=today))
            .values("system_id")
        )
        return queryset.filter(pk__in=roles)

    @extend_schema_field(OpenApiTypes.STR)
    def filter_finding(self, queryset, name, value):
        from itportal.registry.selectors import systems_with_finding

        # The rules shape their own query: hand them the rows, not the list's joins.
        systems = System.objects.filter(pk__in=queryset.values("pk"))
        return queryset.filter(pk__in=systems_with_finding(value, systems))


class IntegrationFilterSet(SearchFilterSet):
    search_fields = ("information", "source__name", "target__name")
    technology = django_filters.ChoiceFilter(choices=Technology.choices, label=_("Technology"))
    status = django_filters.ChoiceFilter(choices=IntegrationStatus.choices, label=_("Status"))
    system = django_filters.ModelChoiceFilter(
        queryset=System.objects.all(),
        label=_("System"),
        method="filter_system",
        widget=forms.NumberInput,
    )

    class Meta:
        model = Integration
        fields = ("q", "technology", "status", "frequency", "system")

    @extend_schema_field(OpenApiTypes.INT)
    def filter_system(self, queryset, name, value):
        return queryset.filter(Q(source=value) | Q(target=value))


class CapabilityFilterSet(SearchFilterSet):
    search_fields = ("name", "description")

    class Meta:
        model = Capability
        fields = ("q", "parent")


class ContractFilterSet(SearchFilterSet):
    search_fields = ("number", "title", "procurement_reference", "vendor__name")
    renewal_due = django_filters.BooleanFilter(
        label=_("Notice date within the warning period"), method="filter_renewal"
    )

    class Meta:
        model = Contract
        fields = ("q", "vendor", "renewal_due")

    def filter_renewal(self, queryset, name, value):
        from itportal.registry.selectors import contracts_due_for_notice

        due = contracts_due_for_notice().values("pk")
        return queryset.filter(pk__in=due) if value else queryset.exclude(pk__in=due)


class LicenceFilterSet(SearchFilterSet):
    search_fields = ("product", "vendor__name")
    metric = django_filters.ChoiceFilter(choices=LicenceMetric.choices, label=_("Metric"))

    class Meta:
        model = Licence
        fields = ("q", "metric", "vendor", "group_wide")
