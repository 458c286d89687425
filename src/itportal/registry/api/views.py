from rest_framework import viewsets

from itportal.api.viewsets import ServiceViewSet
from itportal.registry import filtersets, services
from itportal.registry.api import serializers as s
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


class RegistryViewSet(ServiceViewSet):
    create_service = staticmethod(services.record_create)
    update_service = staticmethod(services.record_update)
    delete_service = staticmethod(services.record_delete)


def viewset(model, serializer, **attrs):
    return type(
        f"{model.__name__}ViewSet",
        (RegistryViewSet,),
        {"model": model, "serializer_class": serializer, **attrs},
    )


SystemViewSet = viewset(
    System,
    s.SystemSerializer,
    filterset_class=filtersets.SystemFilterSet,
    select_related=("owning_unit",),
)
SystemRoleViewSet = viewset(
    SystemRole, s.SystemRoleSerializer, filterset_fields=("system", "role_type", "person")
)
SystemUsageViewSet = viewset(
    SystemUsage, s.SystemUsageSerializer, filterset_fields=("system", "unit")
)
SystemLinkViewSet = viewset(SystemLink, s.SystemLinkSerializer, filterset_fields=("system",))
IntegrationViewSet = viewset(
    Integration, s.IntegrationSerializer, filterset_class=filtersets.IntegrationFilterSet
)
InformationAssetViewSet = viewset(
    InformationAsset,
    s.InformationAssetSerializer,
    filterset_fields=("system", "personal_data", "controller_board"),
)
CapabilityViewSet = viewset(
    Capability, s.CapabilitySerializer, filterset_class=filtersets.CapabilityFilterSet
)
TagViewSet = viewset(Tag, s.TagSerializer)
ContractViewSet = viewset(
    Contract, s.ContractSerializer, filterset_class=filtersets.ContractFilterSet
)
LicenceViewSet = viewset(Licence, s.LicenceSerializer, filterset_class=filtersets.LicenceFilterSet)


class RoleTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """The configurable role types (edited by administrators in the Django admin)."""

    model = RoleType
    serializer_class = s.RoleTypeSerializer
    queryset = RoleType.objects.all()
    filterset_fields = ("code", "grants_edit")
