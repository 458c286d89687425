"""Back-office data fixes of the catalogue. Saves and deletes go through the catalogue's
services, so the model's rules (overlapping prices, negative quantities, …) are checked and the
change log stays complete."""

from django.contrib import admin

from itportal.catalogue import services
from itportal.catalogue.models import ITFeeRule, Price, PriceList, Service, Subscription


class ServiceAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        if change:
            services.record_update(obj, actor=request.user)
        else:
            services.record_create(obj, actor=request.user)

    def save_related(self, request, form, formsets, change):
        """Many-to-many sets through the service too (audited), not through the form."""
        names = [f.name for f in self.model._meta.many_to_many if f.name in form.cleaned_data]
        if names:
            m2m = {name: form.cleaned_data[name] for name in names}
            services.record_update(form.instance, actor=request.user, m2m=m2m)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        services.record_delete(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.record_delete(obj, actor=request.user)


class PriceInline(admin.TabularInline):
    """Read-only here: prices are changed one by one, so each is validated and logged."""

    model = Price
    fields = ("service", "valid_from", "valid_to", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Service)
class CatalogueServiceAdmin(ServiceAdmin):
    list_display = ("name", "code", "category", "billing_unit", "status", "orderable")
    list_filter = ("category", "status", "billing_unit", "orderable")
    search_fields = ("name", "code")
    raw_id_fields = ("owner", "owner_unit")
    filter_horizontal = ("systems",)


@admin.register(PriceList)
class PriceListAdmin(ServiceAdmin):
    list_display = ("year", "note")
    inlines = (PriceInline,)


@admin.register(Price)
class PriceAdmin(ServiceAdmin):
    list_display = ("service", "price_list", "valid_from", "valid_to", "amount")
    list_filter = ("price_list",)
    search_fields = ("service__name", "service__code")
    raw_id_fields = ("service",)
    list_select_related = ("service", "price_list")


@admin.register(Subscription)
class SubscriptionAdmin(ServiceAdmin):
    list_display = ("unit", "service", "quantity", "start", "end", "source", "reference")
    list_filter = ("source", "service__category")
    search_fields = ("reference", "identifiers", "unit__name", "unit__cost_centre")
    raw_id_fields = ("unit", "service")
    list_select_related = ("unit", "service")
    date_hierarchy = "start"


@admin.register(ITFeeRule)
class ITFeeRuleAdmin(ServiceAdmin):
    list_display = ("organisation", "basis", "annual_amount", "valid_from", "valid_to")
    list_filter = ("organisation", "basis")
