import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from itportal.core.tables import NumberColumn, PortalTable
from itportal.registry.models import Capability, Contract, Integration, Licence, System


class SystemTable(PortalTable):
    name = tables.Column(linkify=True)
    owning_unit = tables.Column(linkify=True)
    vendor = tables.Column(linkify=True)
    annual_cost = NumberColumn(
        verbose_name=_("annual cost"), accessor="annual_cost", orderable=False, decimals=2
    )

    class Meta(PortalTable.Meta):
        model = System
        fields = (
            "name",
            "lifecycle",
            "scope",
            "operating_form",
            "owning_unit",
            "vendor",
            "product",
            "hosting_country",
            "self_developed",
            "last_reviewed",
            "annual_cost",
        )

    default_columns = ("name", "lifecycle", "scope", "operating_form", "owning_unit", "vendor")


class IntegrationTable(PortalTable):
    information = tables.Column(linkify=True)
    source = tables.Column(linkify=True)
    target = tables.Column(linkify=True)

    class Meta(PortalTable.Meta):
        model = Integration
        fields = ("information", "source", "target", "technology", "frequency", "status")


class CapabilityTable(PortalTable):
    name = tables.Column(linkify=True)
    parent = tables.Column(linkify=True)

    class Meta(PortalTable.Meta):
        model = Capability
        fields = ("name", "parent", "description")


class ContractTable(PortalTable):
    number = tables.Column(linkify=True)
    vendor = tables.Column(linkify=True)
    notice_date = tables.DateColumn(
        verbose_name=_("notice date"), accessor="notice_date", orderable=False
    )

    class Meta(PortalTable.Meta):
        model = Contract
        fields = (
            "number",
            "title",
            "vendor",
            "start",
            "end",
            "notice_months",
            "notice_date",
            "annual_value",
            "procurement_reference",
        )

    default_columns = ("number", "title", "vendor", "end", "notice_date", "annual_value")


class LicenceTable(PortalTable):
    product = tables.Column(linkify=True)
    vendor = tables.Column(linkify=True)

    class Meta(PortalTable.Meta):
        model = Licence
        fields = (
            "product",
            "vendor",
            "metric",
            "entitlements",
            "annual_cost",
            "group_wide",
            "valid_until",
        )
