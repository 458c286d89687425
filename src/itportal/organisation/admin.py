"""Back-office data fixes. Saves go through the services so the change log stays complete."""

from django.contrib import admin

from itportal.organisation import services
from itportal.organisation.models import (
    Body,
    BodyMembership,
    Organisation,
    OrgUnit,
    Person,
    UnitRole,
    Vendor,
    VendorContact,
)


class ServiceAdmin(admin.ModelAdmin):
    create = staticmethod(services.record_create)
    update = staticmethod(services.record_update)

    def save_model(self, request, obj, form, change):
        if change:
            type(self).update(obj, actor=request.user)
        else:
            type(self).create(obj, actor=request.user)

    def delete_model(self, request, obj):
        services.record_delete(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.record_delete(obj, actor=request.user)


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdmin):
    list_display = ("name", "kind", "org_number", "municipality_code")
    search_fields = ("name", "org_number")


@admin.register(OrgUnit)
class OrgUnitAdmin(ServiceAdmin):
    create = staticmethod(services.orgunit_create)
    update = staticmethod(services.orgunit_update)
    list_display = ("name", "kind", "organisation", "cost_centre", "headcount")
    list_filter = ("organisation", "kind")
    search_fields = ("name", "cost_centre")
    raw_id_fields = ("parent", "manager")


@admin.register(Person)
class PersonAdmin(ServiceAdmin):
    list_display = ("last_name", "first_name", "email", "unit", "active")
    search_fields = ("last_name", "first_name", "email")
    raw_id_fields = ("unit", "user")


@admin.register(Vendor)
class VendorAdmin(ServiceAdmin):
    list_display = ("name", "org_number", "country")
    search_fields = ("name", "org_number")


@admin.register(VendorContact)
class VendorContactAdmin(ServiceAdmin):
    list_display = ("name", "vendor", "email")
    raw_id_fields = ("vendor",)


@admin.register(Body)
class BodyAdmin(ServiceAdmin):
    list_display = ("name", "kind", "organisation")


@admin.register(BodyMembership)
class BodyMembershipAdmin(ServiceAdmin):
    list_display = ("body", "person", "role")
    raw_id_fields = ("person",)


@admin.register(UnitRole)
class UnitRoleAdmin(ServiceAdmin):
    list_display = ("user", "kind", "unit")
    raw_id_fields = ("unit",)
