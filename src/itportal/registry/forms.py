from django import forms
from django.utils.translation import gettext_lazy as _

from itportal.core.forms import VersionedModelForm
from itportal.organisation.forms import person_by_email
from itportal.registry.models import (
    Capability,
    Contract,
    InformationAsset,
    Integration,
    Licence,
    System,
    SystemLink,
    SystemRole,
    SystemUsage,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SystemForm(VersionedModelForm):
    class Meta:
        model = System
        fields = (
            "name",
            "aliases",
            "description",
            "purpose",
            "vendor",
            "product",
            "product_version",
            "lifecycle",
            "in_operation_since",
            "planned_retirement",
            "retired_on",
            "scope",
            "scope_reason",
            "technical_platform",
            "operating_form",
            "hosting_country",
            "hosting_region",
            "self_developed",
            "product_board",
            "owning_unit",
            "capabilities",
            "tags",
            "cost_licence",
            "cost_operation",
            "cost_support",
            "last_reviewed",
        )
        widgets = {
            "in_operation_since": DATE,
            "planned_retirement": DATE,
            "retired_on": DATE,
            "last_reviewed": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "purpose": forms.Textarea(attrs={"rows": 2}),
        }

    m2m_fields = ("capabilities", "tags")


class SystemRoleForm(VersionedModelForm):
    class Meta:
        model = SystemRole
        fields = ("system", "role_type", "person", "vendor_contact", "start", "end", "appointed_by")
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = person_by_email(_("Person (e-mail)"), required=False)
        self.fields["appointed_by"] = person_by_email(_("Appointed by (e-mail)"), required=False)
        if not self.is_bound:
            for name in ("person", "appointed_by"):
                holder = getattr(self.instance, name, None) if self.instance.pk else None
                if holder is not None:
                    self.initial[name] = holder.email
        _limit_systems(self)


class SystemUsageForm(VersionedModelForm):
    class Meta:
        model = SystemUsage
        fields = ("system", "unit", "users")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_systems(self)


class SystemLinkForm(VersionedModelForm):
    class Meta:
        model = SystemLink
        fields = ("system", "title", "url", "is_document")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_systems(self)


class InformationAssetForm(VersionedModelForm):
    class Meta:
        model = InformationAsset
        fields = (
            "system",
            "name",
            "confidentiality",
            "integrity",
            "availability",
            "traceability",
            "personal_data",
            "sensitive_categories",
            "controller_board",
            "processing_record",
            "retention",
            "classified_on",
            "classified_by",
        )
        widgets = {"classified_on": DATE, "retention": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classified_by"] = person_by_email(_("Classified by (e-mail)"), required=False)
        if not self.is_bound and self.instance.pk and self.instance.classified_by_id:
            self.initial["classified_by"] = self.instance.classified_by.email
        _limit_systems(self)


class IntegrationForm(VersionedModelForm):
    class Meta:
        model = Integration
        fields = (
            "source",
            "target",
            "information",
            "technology",
            "frequency",
            "owner",
            "status",
            "description",
        )
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = person_by_email(_("Owner (e-mail)"), required=False)
        if not self.is_bound and self.instance.pk and self.instance.owner_id:
            self.initial["owner"] = self.instance.owner.email


class CapabilityForm(VersionedModelForm):
    class Meta:
        model = Capability
        fields = ("name", "parent", "description")


class ContractForm(VersionedModelForm):
    class Meta:
        model = Contract
        fields = (
            "vendor",
            "number",
            "title",
            "systems",
            "start",
            "end",
            "notice_months",
            "extension_options",
            "annual_value",
            "procurement_reference",
            "responsible_unit",
        )
        widgets = {"start": DATE, "end": DATE}

    m2m_fields = ("systems",)


class LicenceForm(VersionedModelForm):
    class Meta:
        model = Licence
        fields = (
            "product",
            "vendor",
            "system",
            "contract",
            "metric",
            "entitlements",
            "annual_cost",
            "units",
            "group_wide",
            "valid_until",
        )
        widgets = {"valid_until": DATE}

    m2m_fields = ("units",)


def _limit_systems(form):
    """Offer only the systems the user may edit (role holders see their own systems)."""
    field = form.fields.get("system")
    if field is not None and form.user is not None:
        field.queryset = System.objects.restrict(form.user, "change")
