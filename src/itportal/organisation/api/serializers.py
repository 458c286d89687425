from itportal.api.viewsets import VersionedSerializer
from itportal.organisation.models import (
    Body,
    BodyMembership,
    Organisation,
    OrgUnit,
    Person,
    Vendor,
    VendorContact,
)

BASE = ("id", "url", "version", "created", "updated")


class OrganisationSerializer(VersionedSerializer):
    class Meta:
        model = Organisation
        fields = (
            *BASE,
            "name",
            "short_name",
            "kind",
            "org_number",
            "municipality_code",
            "owner",
            "inhabitants",
            "active",
        )
        read_only_fields = ("created", "updated")


class OrgUnitSerializer(VersionedSerializer):
    class Meta:
        model = OrgUnit
        fields = (
            *BASE,
            "organisation",
            "parent",
            "name",
            "kind",
            "cost_centre",
            "headcount",
            "manager",
            "active",
            "path",
            "depth",
        )
        read_only_fields = ("created", "updated", "path", "depth")


class PersonSerializer(VersionedSerializer):
    class Meta:
        model = Person
        fields = (
            *BASE,
            "first_name",
            "last_name",
            "email",
            "phone",
            "title",
            "unit",
            "active",
            "user",
        )
        read_only_fields = ("created", "updated", "user")


class VendorSerializer(VersionedSerializer):
    class Meta:
        model = Vendor
        fields = (*BASE, "name", "org_number", "country", "website", "email", "phone", "notes")
        read_only_fields = ("created", "updated")


class VendorContactSerializer(VersionedSerializer):
    class Meta:
        model = VendorContact
        fields = (*BASE, "vendor", "name", "role", "email", "phone")
        read_only_fields = ("created", "updated")


class BodySerializer(VersionedSerializer):
    class Meta:
        model = Body
        fields = (*BASE, "name", "kind", "organisation", "description", "active")
        read_only_fields = ("created", "updated")


class BodyMembershipSerializer(VersionedSerializer):
    class Meta:
        model = BodyMembership
        fields = (*BASE, "body", "person", "role", "start", "end")
        read_only_fields = ("created", "updated")
