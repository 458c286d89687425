from django.utils.translation import gettext as _
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied

from itportal.api.viewsets import ServiceViewSet
from itportal.core.permissions import holds_globally
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

    def check_before_write(self, data, action):
        """A role holder may only attach parts to systems they edit already: the check runs
        before the write, since a new role row would itself grant the right it asks for."""
        user = self.request.user
        if holds_globally(user, self.model, action):
            return
        editable = System.objects.restrict(user, "change")
        if self.model is Integration:
            ends = [data[k] for k in ("source", "target") if k in data]
            if ends and not editable.filter(pk__in=[e.pk for e in ends]).exists():
                raise PermissionDenied(_("Neither system of the integration is one you manage."))
            return
        system = data.get("system")
        if system is not None and not editable.filter(pk=system.pk).exists():
            raise PermissionDenied(
                _("You may not change %(system)s: you hold no editing role for it.")
                % {"system": system}
            )


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
    prefetch_related=("capabilities", "tags"),
    delete_service=staticmethod(services.system_delete),
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
    Contract,
    s.ContractSerializer,
    filterset_class=filtersets.ContractFilterSet,
    prefetch_related=("systems",),
)
LicenceViewSet = viewset(
    Licence,
    s.LicenceSerializer,
    filterset_class=filtersets.LicenceFilterSet,
    prefetch_related=("units",),
)


class RoleTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """The configurable role types (edited by administrators in the Django admin)."""

    model = RoleType
    serializer_class = s.RoleTypeSerializer
    queryset = RoleType.objects.all()
    filterset_fields = ("code", "grants_edit")
