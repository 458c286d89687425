"""Chargeback runs, lines and adjustments are read-only in the admin: runs change only through
chargeback.services (which refuse a closed run), lines are written only by the engine."""

from django.contrib import admin

from itportal.chargeback.models import Adjustment, ChargebackLine, ChargebackRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChargebackRun)
class ChargebackRunAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "kind", "period_start", "state", "line_count", "total_amount")
    list_filter = ("state", "kind", "organisation")
    date_hierarchy = "period_start"
    list_select_related = ("organisation",)


@admin.register(ChargebackLine)
class ChargebackLineAdmin(ReadOnlyAdmin):
    list_display = ("run", "cost_centre", "kind", "description", "amount", "vat")
    list_filter = ("kind",)
    search_fields = ("description", "cost_centre")
    list_select_related = ("run__organisation",)
    raw_id_fields = ("run", "unit", "service", "fee_rule", "adjustment")


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyAdmin):
    list_display = ("original", "amount", "reason", "booked_in", "created")
    raw_id_fields = ("original", "booked_in")
