"""Back-office data fixes of the service desk: calendars, assignment groups, the priority
matrix and SLAs are edited here (through core's audited services); tickets, their entries and
incoming e-mail are read-only, since their writes keep the status machine and the SLA clocks
(servicedesk.services)."""

from django.contrib import admin

from itportal.core import services as core
from itportal.servicedesk.models import (
    SLA,
    AssignmentGroup,
    Calendar,
    CalendarException,
    IntakeMessage,
    OpeningHours,
    PriorityRule,
    Ticket,
    TicketEntry,
)


class AuditedAdmin(admin.ModelAdmin):
    """Saves and deletes through core.services: validated, versioned and in the change log."""

    def save_model(self, request, obj, form, change):
        if change:
            core.update_object(obj, actor=request.user)
        else:
            core.create_object(obj, actor=request.user)

    def delete_model(self, request, obj):
        core.delete_object(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            core.delete_object(obj, actor=request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class CalendarExceptionInline(admin.TabularInline):
    model = CalendarException
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(AuditedAdmin):
    list_display = ("name", "time_zone", "public_holidays", "closed_eves")
    inlines = (OpeningHoursInline, CalendarExceptionInline)


@admin.register(AssignmentGroup)
class AssignmentGroupAdmin(AuditedAdmin):
    list_display = ("name", "email", "is_change_advisory_board")
    filter_horizontal = ("members",)


@admin.register(PriorityRule)
class PriorityRuleAdmin(AuditedAdmin):
    list_display = ("impact", "urgency", "priority")


@admin.register(SLA)
class SLAAdmin(AuditedAdmin):
    list_display = ("service", "priority", "response_minutes", "resolution_minutes", "calendar")
    list_filter = ("priority", "calendar")
    raw_id_fields = ("service",)


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "kind", "status", "priority", "unit", "opened_at")
    list_filter = ("kind", "status", "priority")
    search_fields = ("number", "title")
    date_hierarchy = "opened_at"


@admin.register(TicketEntry)
class TicketEntryAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "kind", "author", "created")
    list_filter = ("kind",)
    raw_id_fields = ("ticket",)


@admin.register(IntakeMessage)
class IntakeMessageAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "sender", "subject", "outcome")
    list_filter = ("outcome",)
    exclude = ("raw",)
