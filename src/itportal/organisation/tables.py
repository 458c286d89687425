import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from itportal.core.tables import PortalTable
from itportal.organisation.models import Body, Organisation, OrgUnit, Person, Vendor


class OrganisationTable(PortalTable):
    name = tables.Column(linkify=True)

    class Meta(PortalTable.Meta):
        model = Organisation
        fields = (
            "name",
            "short_name",
            "kind",
            "org_number",
            "municipality_code",
            "owner",
            "inhabitants",
            "active",
        )

    default_columns = ("name", "kind", "org_number", "municipality_code", "owner")


class OrgUnitTable(PortalTable):
    name = tables.Column(linkify=True)
    parent = tables.Column(linkify=True)
    manager = tables.Column(linkify=True, order_by=("manager__last_name", "manager__first_name"))

    class Meta(PortalTable.Meta):
        model = OrgUnit
        fields = (
            "name",
            "kind",
            "organisation",
            "parent",
            "cost_centre",
            "headcount",
            "manager",
            "active",
        )

    default_columns = (
        "name",
        "kind",
        "organisation",
        "parent",
        "cost_centre",
        "headcount",
        "manager",
    )


class PersonTable(PortalTable):
    name = tables.Column(
        verbose_name=_("name"), linkify=True, accessor="name", order_by=("last_name", "first_name")
    )
    unit = tables.Column(linkify=True)

    class Meta(PortalTable.Meta):
        model = Person
        fields = ("name", "email", "title", "unit", "phone", "active")

    default_columns = ("name", "email", "title", "unit")


class VendorTable(PortalTable):
    name = tables.Column(linkify=True)

    class Meta(PortalTable.Meta):
        model = Vendor
        fields = ("name", "org_number", "country", "email", "phone", "website")

    default_columns = ("name", "org_number", "country", "email")


class BodyTable(PortalTable):
    name = tables.Column(linkify=True)

    class Meta(PortalTable.Meta):
        model = Body
        fields = ("name", "kind", "organisation", "active")
