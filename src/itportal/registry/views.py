from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from itportal.core.access import ModelAction
from itportal.core.import_views import ImportView
from itportal.core.permissions import can
from itportal.core.views import (
    ObjectCreateView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    PortalView,
)
from itportal.registry import filtersets as filters
from itportal.registry import forms, selectors, services, tables
from itportal.registry.importers import IntegrationImporter, SystemImporter, SystemRoleImporter
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

CRUD = {
    "create_service": staticmethod(services.record_create),
    "update_service": staticmethod(services.record_update),
}


def crud_views(model, form_class, **extra):
    """Create, edit and delete views for a model written through the register's services."""
    attrs = {"model": model, "form_class": form_class, **CRUD, **extra}
    create = type(f"{model.__name__}Create", (ObjectCreateView,), dict(attrs))
    edit = type(f"{model.__name__}Edit", (ObjectEditView,), dict(attrs))
    delete = type(
        f"{model.__name__}Delete",
        (ObjectDeleteView,),
        {
            "model": model,
            "delete_service": staticmethod(services.record_delete),
            **extra.get("delete_attrs", {}),
        },
    )
    return create, edit, delete


def _back_to_system(self, obj):
    return obj.system.get_absolute_url()


# --- Systems ---------------------------------------------------------------------------------
REGISTER_IMPORTS = (
    ("registry:system_import", _("Import systems")),
    ("registry:systemrole_import", _("Import system roles")),
    ("registry:integration_import", _("Import integrations")),
)


class SystemList(ObjectListView):
    model = System
    table_class = tables.SystemTable
    filterset_class = filters.SystemFilterSet
    importer = SystemImporter

    def get_queryset(self):
        return super().get_queryset().select_related("owning_unit", "vendor")

    def extra_links(self):
        links = [(reverse("registry:archimate_export"), _("ArchiMate export"))]
        if can(self.request.user, System, "import"):
            links.append((reverse("registry:archimate_import"), _("ArchiMate import")))
        return links


class SystemDetail(ObjectDetailView):
    model = System
    template_name = "registry/system_detail.html"
    select_related = ("owning_unit", "vendor", "product_board")
    detail_fields = (
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
        "cost_licence",
        "cost_operation",
        "cost_support",
        "last_reviewed",
    )

    def get_extra_context(self, obj):
        today = timezone.localdate()
        user = self.request.user
        roles = obj.roles.select_related(
            "role_type", "person", "vendor_contact__vendor", "appointed_by"
        )
        integrations = Integration.objects.filter(source=obj) | Integration.objects.filter(
            target=obj
        )
        may_edit = can(user, System, "change", obj)
        return {
            "roles": [(r, r.is_active(today)) for r in roles],
            "usages": obj.usages.select_related("unit"),
            "links": obj.links.all(),
            "information": obj.information.select_related("controller_board", "classified_by"),
            "integrations": integrations.select_related("source", "target").order_by(
                "source__name", "target__name"
            )[:INTEGRATIONS_SHOWN],
            "integration_count": integrations.count(),
            "integrations_url": reverse("registry:integration_list") + f"?system={obj.pk}",
            "contracts": obj.contracts.select_related("vendor"),
            "licences": obj.licences.all(),
            "capability_list": obj.capabilities.all(),
            "tag_list": obj.tags.all(),
            "suggested_scope": obj.suggested_scope(),
            "findings": _findings_for(obj),
            "may_edit_parts": may_edit,
            "can_add_integration": can(user, Integration, "add") or may_edit,
        }


INTEGRATIONS_SHOWN = 50  # a hub has hundreds; the integration list shows them all


def _findings_for(system):
    from itportal.registry.compliance import findings_for_system

    return findings_for_system(system)


SystemCreate, SystemEdit = crud_views(System, forms.SystemForm)[:2]


class SystemDelete(ObjectDeleteView):
    model = System
    delete_service = staticmethod(services.system_delete)


# --- Parts of a system, edited from the system's page ----------------------------------------
SystemRoleCreate, SystemRoleEdit, SystemRoleDelete = crud_views(
    SystemRole, forms.SystemRoleForm, delete_attrs={"success_url": _back_to_system}
)
SystemUsageCreate, SystemUsageEdit, SystemUsageDelete = crud_views(
    SystemUsage, forms.SystemUsageForm, delete_attrs={"success_url": _back_to_system}
)
SystemLinkCreate, SystemLinkEdit, SystemLinkDelete = crud_views(
    SystemLink, forms.SystemLinkForm, delete_attrs={"success_url": _back_to_system}
)
InformationAssetCreate, InformationAssetEdit, InformationAssetDelete = crud_views(
    InformationAsset, forms.InformationAssetForm, delete_attrs={"success_url": _back_to_system}
)


# --- Integrations ----------------------------------------------------------------------------
class IntegrationList(ObjectListView):
    model = Integration
    table_class = tables.IntegrationTable
    filterset_class = filters.IntegrationFilterSet
    importer = IntegrationImporter

    def get_queryset(self):
        return super().get_queryset().select_related("source", "target")


class IntegrationDetail(ObjectDetailView):
    model = Integration
    select_related = ("source", "target", "owner")
    detail_fields = (
        "source",
        "target",
        "information",
        "technology",
        "frequency",
        "owner",
        "status",
        "description",
    )


IntegrationCreate, IntegrationEdit, IntegrationDelete = crud_views(
    Integration, forms.IntegrationForm
)


# --- Capabilities ----------------------------------------------------------------------------
class CapabilityList(ObjectListView):
    model = Capability
    table_class = tables.CapabilityTable
    filterset_class = filters.CapabilityFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("parent")


class CapabilityDetail(ObjectDetailView):
    model = Capability
    template_name = "registry/capability_detail.html"
    select_related = ("parent",)
    detail_fields = ("name", "parent", "description")

    def get_extra_context(self, obj):
        return {
            "children": obj.children.all(),
            "systems": obj.systems.select_related("owning_unit").order_by("name"),
        }


CapabilityCreate, CapabilityEdit, CapabilityDelete = crud_views(Capability, forms.CapabilityForm)


class CapabilityOverlap(PortalView):
    """Capabilities served by more than one system: work for the service council."""

    access_rule = ModelAction(System, "view")

    def get(self, request):
        systems = System.objects.restrict(request.user, "view")
        rows = selectors.capability_overlap(systems)
        return TemplateResponse(request, "registry/capability_overlap.html", {"rows": rows})


# --- Contracts and licences ------------------------------------------------------------------
class ContractList(ObjectListView):
    model = Contract
    table_class = tables.ContractTable
    filterset_class = filters.ContractFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("vendor")


class ContractDetail(ObjectDetailView):
    model = Contract
    template_name = "registry/contract_detail.html"
    select_related = ("vendor", "responsible_unit")
    detail_fields = (
        "vendor",
        "number",
        "title",
        "start",
        "end",
        "notice_months",
        "extension_options",
        "annual_value",
        "procurement_reference",
        "responsible_unit",
    )

    def get_extra_context(self, obj):
        due = selectors.contracts_due_for_notice().filter(pk=obj.pk).exists()
        return {
            "systems": obj.systems.order_by("name"),
            "licences": obj.licences.all(),
            "notice_date": obj.notice_date,
            "renewal_due": due,
            "notice_passed": obj.notice_passed(),
        }


ContractCreate, ContractEdit, ContractDelete = crud_views(Contract, forms.ContractForm)


class LicenceList(ObjectListView):
    model = Licence
    table_class = tables.LicenceTable
    filterset_class = filters.LicenceFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("vendor")


class LicenceDetail(ObjectDetailView):
    model = Licence
    template_name = "registry/licence_detail.html"
    select_related = ("vendor", "system", "contract")
    detail_fields = (
        "product",
        "vendor",
        "system",
        "contract",
        "metric",
        "entitlements",
        "annual_cost",
        "group_wide",
        "valid_until",
    )

    def get_extra_context(self, obj):
        return {"units": obj.units.order_by("name")}


LicenceCreate, LicenceEdit, LicenceDelete = crud_views(Licence, forms.LicenceForm)


class LicenceCoordination(PortalView):
    """The same product licensed separately by several units: candidates for one licence."""

    access_rule = ModelAction(Licence, "view")

    def get(self, request):
        licences = Licence.objects.restrict(request.user, "view")
        rows = selectors.licence_coordination(licences)
        return TemplateResponse(request, "registry/licence_coordination.html", {"rows": rows})


class RegisterImport(ImportView):
    related_imports = REGISTER_IMPORTS


class SystemImport(RegisterImport):
    model = System
    importer = SystemImporter


class SystemRoleImport(RegisterImport):
    model = SystemRole
    importer = SystemRoleImporter

    def list_url(self):
        return reverse("registry:system_list")


class IntegrationImport(RegisterImport):
    model = Integration
    importer = IntegrationImporter
