from rest_framework import serializers

from itportal.api.viewsets import VersionedSerializer
from itportal.registry.models import (
    Capability,
    Contract,
    InformationAsset,
    Integration,
    Licence,
    RoleType,
    System,
    SystemLink,
    SystemRole,
    SystemUsage,
    Tag,
)

BASE = ("id", "url", "version", "created", "updated")
READ_ONLY = ("created", "updated")


def serializer_for(model_class, field_names, read_only=READ_ONLY):
    meta = type(
        "Meta",
        (),
        {"model": model_class, "fields": (*BASE, *field_names), "read_only_fields": read_only},
    )
    return type(f"{model_class.__name__}Serializer", (VersionedSerializer,), {"Meta": meta})


class SystemSerializer(VersionedSerializer):
    annual_cost = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = System
        fields = (
            *BASE,
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
            "annual_cost",
            "last_reviewed",
        )
        read_only_fields = READ_ONLY


class RoleTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoleType
        fields = (
            "id",
            "code",
            "name",
            "description",
            "grants_edit",
            "self_developed_only",
            "vendor_side",
        )


SystemRoleSerializer = serializer_for(
    SystemRole, ("system", "role_type", "person", "vendor_contact", "start", "end", "appointed_by")
)
SystemUsageSerializer = serializer_for(SystemUsage, ("system", "unit", "users"))


class SystemLinkSerializer(VersionedSerializer):
    """A link's own `url` is the document's address (its page is its system's page)."""

    url = serializers.URLField(max_length=500, help_text="The document's or page's address.")

    class Meta:
        model = SystemLink
        fields = ("id", "version", "created", "updated", "system", "title", "url", "is_document")
        read_only_fields = READ_ONLY


IntegrationSerializer = serializer_for(
    Integration,
    (
        "source",
        "target",
        "information",
        "technology",
        "frequency",
        "owner",
        "status",
        "description",
    ),
)
InformationAssetSerializer = serializer_for(
    InformationAsset,
    (
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
    ),
)
CapabilitySerializer = serializer_for(Capability, ("name", "parent", "description"))
TagSerializer = serializer_for(Tag, ("name",))
ContractSerializer = serializer_for(
    Contract,
    (
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
    ),
)
LicenceSerializer = serializer_for(
    Licence,
    (
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
    ),
)
