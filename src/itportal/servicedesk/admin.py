"""Back-office data fixes of the service desk: calendars, assignment groups, the priority
matrix and SLAs are edited here (through core's audited services); tickets, their entries and
incoming e-mail are read-only, since their writes keep the status machine and the SLA clocks
(servicedesk.services)."""

from django.contrib import admin

from itportal.core import services as core
from itportal.registry.services import record_update
from itportal.servicedesk.models import (
    SLA,
    AssignmentGroup,
    Calendar,
    CalendarException,
    FeedToken,
    IntakeMessage,
    OpeningHours,
    PriorityRule,
    SavedFilter,
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

    def save_related(self, request, form, formsets, change):
        """Many-to-many sets (a group's members) and inline rows (a calendar's opening hours and
        exceptions) through the services too, so each is validated and in the change log."""
        names = [f.name for f in self.model._meta.many_to_many if f.name in form.cleaned_data]
        if names:
            m2m = {name: form.cleaned_data[name] for name in names}
            record_update(form.instance, actor=request.user, m2m=m2m)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        rows = formset.save(commit=False)
        for obj in formset.deleted_objects:
            core.delete_object(obj, actor=request.user)
        for obj in rows:
            if obj.pk is None:
                core.create_object(obj, actor=request.user)
            else:
                core.update_object(obj, actor=request.user)

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


@admin.register(SavedFilter)
class SavedFilterAdmin(AuditedAdmin):
    list_display = ("name", "owner", "visibility", "group", "is_default", "querystring")
    list_filter = ("visibility",)
    search_fields = ("name", "owner__username")
    # The default is the owner's to choose in the queue (one per owner, the old one unmarked)
    readonly_fields = ("owner", "is_default")

    def has_add_permission(self, request):
        return False  # agents save filters from the queue (the owner is who saves)


@admin.register(FeedToken)
class FeedTokenAdmin(ReadOnlyAdmin):
    """Only the hash of a token is stored; a leaked address is ended here by deleting it."""

    list_display = ("user", "created", "updated")
    search_fields = ("user__username",)
    exclude = ("key_hash",)

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    def delete_model(self, request, obj):
        core.delete_object(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            core.delete_object(obj, actor=request.user)
