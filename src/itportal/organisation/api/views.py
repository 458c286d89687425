from itportal.api.viewsets import ServiceViewSet
from itportal.organisation import filtersets, services
from itportal.organisation.api import serializers
from itportal.organisation.models import (
    Body,
    BodyMembership,
    Organisation,
    OrgUnit,
    Person,
    Vendor,
    VendorContact,
)


class OrganisationViewSet(ServiceViewSet):
    model = Organisation
    serializer_class = serializers.OrganisationSerializer
    filterset_class = filtersets.OrganisationFilterSet
    create_service = staticmethod(services.record_create)
    update_service = staticmethod(services.record_update)
    delete_service = staticmethod(services.record_delete)


class OrgUnitViewSet(ServiceViewSet):
    model = OrgUnit
    serializer_class = serializers.OrgUnitSerializer
    filterset_class = filtersets.OrgUnitFilterSet
    create_service = staticmethod(services.orgunit_create)
    update_service = staticmethod(services.orgunit_update)
    delete_service = staticmethod(services.orgunit_delete)


class PersonViewSet(ServiceViewSet):
    model = Person
    serializer_class = serializers.PersonSerializer
    filterset_class = filtersets.PersonFilterSet
    create_service = staticmethod(services.record_create)
    update_service = staticmethod(services.record_update)
    delete_service = staticmethod(services.record_delete)


class VendorViewSet(ServiceViewSet):
    model = Vendor
    serializer_class = serializers.VendorSerializer
    filterset_class = filtersets.VendorFilterSet
    create_service = staticmethod(services.record_create)
    update_service = staticmethod(services.record_update)
    delete_service = staticmethod(services.record_delete)


class VendorContactViewSet(ServiceViewSet):
    model = VendorContact
    serializer_class = serializers.VendorContactSerializer
    filterset_fields = ("vendor",)
    select_related = ("vendor",)
    create_service = staticmethod(services.record_create)
    update_service = staticmethod(services.record_update)
    delete_service = staticmethod(services.record_delete)


class BodyViewSet(ServiceViewSet):
    model = Body
    serializer_class = serializers.BodySerializer
    filterset_class = filtersets.BodyFilterSet
    create_service = staticmethod(services.record_create)
    update_service = staticmethod(services.record_update)
    delete_service = staticmethod(services.record_delete)


class BodyMembershipViewSet(ServiceViewSet):
    model = BodyMembership
    serializer_class = serializers.BodyMembershipSerializer
    filterset_fields = ("body", "person", "role")
    create_service = staticmethod(services.record_create)
    update_service = staticmethod(services.record_update)
    delete_service = staticmethod(services.record_delete)
