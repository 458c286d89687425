from django.contrib import admin

from itportal.core.models import LoginFailure, ObjectChange


@admin.register(ObjectChange)
class ObjectChangeAdmin(admin.ModelAdmin):
    """Read-only: the change log is append-only, also in the admin."""

    list_display = ("time", "actor", "action", "content_type", "object_repr", "source")
    list_filter = ("action", "content_type", "source")
    search_fields = ("object_repr", "actor", "request_id")
    date_hierarchy = "time"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Deleting a user's failures unlocks the account."""

    list_display = ("username", "time", "ip")
    search_fields = ("username",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
