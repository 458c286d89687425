from django.template.response import TemplateResponse

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
from itportal.organisation import filtersets as filters
from itportal.organisation import forms, services, tables
from itportal.organisation.importers import OrgUnitImporter, PersonImporter, VendorImporter
from itportal.organisation.models import (
    Body,
    BodyMembership,
    Organisation,
    OrgUnit,
    Person,
    Vendor,
    VendorContact,
)
from itportal.organisation.selectors import unit_tree


# --- Organisations ---------------------------------------------------------------------------
class OrganisationList(ObjectListView):
    model = Organisation
    table_class = tables.OrganisationTable
    filterset_class = filters.OrganisationFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("owner")


class OrganisationDetail(ObjectDetailView):
    model = Organisation
    select_related = ("owner",)
    detail_fields = (
        "name",
        "short_name",
        "kind",
        "org_number",
        "municipality_code",
        "owner",
        "inhabitants",
        "active",
    )
    template_name = "organisation/organisation_detail.html"

    def get_extra_context(self, obj):
        return {
            "top_units": obj.units.filter(parent__isnull=True).order_by("name"),
            "bodies": obj.bodies.order_by("name"),
            "owned": obj.owned.order_by("name"),
        }


class OrganisationCreate(ObjectCreateView):
    model = Organisation
    form_class = forms.OrganisationForm
    create_service = services.record_create


class OrganisationEdit(ObjectEditView):
    model = Organisation
    form_class = forms.OrganisationForm
    update_service = services.record_update


class OrganisationDelete(ObjectDeleteView):
    model = Organisation
    delete_service = services.record_delete


# --- Org units -------------------------------------------------------------------------------
class OrgUnitList(ObjectListView):
    model = OrgUnit
    table_class = tables.OrgUnitTable
    filterset_class = filters.OrgUnitFilterSet
    importer = OrgUnitImporter

    def get_queryset(self):
        return super().get_queryset().select_related("organisation", "parent", "manager")


class OrgUnitDetail(ObjectDetailView):
    model = OrgUnit
    select_related = ("organisation", "parent", "manager")
    detail_fields = (
        "name",
        "kind",
        "organisation",
        "parent",
        "cost_centre",
        "headcount",
        "manager",
        "active",
    )
    template_name = "organisation/orgunit_detail.html"

    def get_extra_context(self, obj):
        ancestors = [int(pk) for pk in obj.path.strip("/").split("/")[:-1] if pk]
        return {
            "ancestors": OrgUnit.objects.filter(pk__in=ancestors).order_by("depth"),
            "children": obj.children.order_by("name"),
            "people": obj.people.order_by("last_name", "first_name")[:100],
            "people_count": obj.people.count(),
        }


class OrgUnitCreate(ObjectCreateView):
    model = OrgUnit
    form_class = forms.OrgUnitForm
    create_service = services.orgunit_create


class OrgUnitEdit(ObjectEditView):
    model = OrgUnit
    form_class = forms.OrgUnitForm
    update_service = services.orgunit_update


class OrgUnitDelete(ObjectDeleteView):
    model = OrgUnit
    delete_service = services.orgunit_delete


class OrgUnitImport(ImportView):
    model = OrgUnit
    importer = OrgUnitImporter


class OrgTree(PortalView):
    """The whole group: organisations, and each one's unit tree (one query for all units)."""

    access_rule = ModelAction(OrgUnit, "view")

    def get(self, request):
        organisations = Organisation.objects.restrict(request.user, "view").order_by("kind", "name")
        units = OrgUnit.objects.restrict(request.user, "view")
        context = {"trees": unit_tree(organisations, units), "people": Person.objects.count()}
        return TemplateResponse(request, "organisation/tree.html", context)


# --- People ----------------------------------------------------------------------------------
class PersonList(ObjectListView):
    model = Person
    table_class = tables.PersonTable
    filterset_class = filters.PersonFilterSet
    importer = PersonImporter

    def get_queryset(self):
        return super().get_queryset().select_related("unit")


class PersonDetail(ObjectDetailView):
    model = Person
    select_related = ("unit__organisation", "user")
    detail_fields = ("first_name", "last_name", "email", "phone", "title", "unit", "active")
    template_name = "organisation/person_detail.html"

    def get_extra_context(self, obj):
        return {
            "memberships": obj.memberships.select_related("body"),
            "managed_units": obj.managed_units.all(),
        }


class PersonCreate(ObjectCreateView):
    model = Person
    form_class = forms.PersonForm
    create_service = services.record_create


class PersonEdit(ObjectEditView):
    model = Person
    form_class = forms.PersonForm
    update_service = services.record_update


class PersonDelete(ObjectDeleteView):
    model = Person
    delete_service = services.record_delete


class PersonImport(ImportView):
    model = Person
    importer = PersonImporter


# --- Vendors ---------------------------------------------------------------------------------
class VendorList(ObjectListView):
    model = Vendor
    table_class = tables.VendorTable
    filterset_class = filters.VendorFilterSet
    importer = VendorImporter


class VendorDetail(ObjectDetailView):
    model = Vendor
    detail_fields = ("name", "org_number", "country", "website", "email", "phone", "notes")
    template_name = "organisation/vendor_detail.html"

    def get_extra_context(self, obj):
        return {
            "contacts": obj.contacts.all(),
            "can_add_contact": can(self.request.user, VendorContact, "add"),
        }


class VendorCreate(ObjectCreateView):
    model = Vendor
    form_class = forms.VendorForm
    create_service = services.record_create


class VendorEdit(ObjectEditView):
    model = Vendor
    form_class = forms.VendorForm
    update_service = services.record_update


class VendorDelete(ObjectDeleteView):
    model = Vendor
    delete_service = services.record_delete


class VendorImport(ImportView):
    model = Vendor
    importer = VendorImporter


# --- Bodies ----------------------------------------------------------------------------------
class BodyList(ObjectListView):
    model = Body
    table_class = tables.BodyTable
    filterset_class = filters.BodyFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")


class BodyDetail(ObjectDetailView):
    model = Body
    select_related = ("organisation",)
    detail_fields = ("name", "kind", "organisation", "description", "active")
    template_name = "organisation/body_detail.html"

    def get_extra_context(self, obj):
        members = obj.memberships.select_related("person").order_by("role", "person__last_name")
        return {
            "memberships": members,
            "can_add_member": can(self.request.user, BodyMembership, "add"),
        }


class BodyCreate(ObjectCreateView):
    model = Body
    form_class = forms.BodyForm
    create_service = services.record_create


class BodyEdit(ObjectEditView):
    model = Body
    form_class = forms.BodyForm
    update_service = services.record_update


class BodyDelete(ObjectDeleteView):
    model = Body
    delete_service = services.record_delete


# --- Vendor contacts and body memberships: edited from their parent's page ---------------------
class VendorContactCreate(ObjectCreateView):
    model = VendorContact
    form_class = forms.VendorContactForm
    create_service = services.record_create


class VendorContactEdit(ObjectEditView):
    model = VendorContact
    form_class = forms.VendorContactForm
    update_service = services.record_update


class VendorContactDelete(ObjectDeleteView):
    model = VendorContact
    delete_service = services.record_delete

    def success_url(self, obj):
        return obj.vendor.get_absolute_url()


class MembershipCreate(ObjectCreateView):
    model = BodyMembership
    form_class = forms.BodyMembershipForm
    create_service = services.record_create


class MembershipEdit(ObjectEditView):
    model = BodyMembership
    form_class = forms.BodyMembershipForm
    update_service = services.record_update


class MembershipDelete(ObjectDeleteView):
    model = BodyMembership
    delete_service = services.record_delete

    def success_url(self, obj):
        return obj.body.get_absolute_url()
