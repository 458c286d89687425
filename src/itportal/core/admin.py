from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from itportal.core.models import LoginFailure, ObjectChange
from itportal.core.services import write_change


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


class AuditedUserAdmin(UserAdmin):
    """Django's user admin, with every change of a login, its flags and its groups (the global
    roles) written to the change log."""

    audited = ("username", "first_name", "last_name", "email", "is_active", "is_staff")

    def _state(self, user):
        if user.pk is None:
            return {}
        state = {name: getattr(user, name) for name in self.audited}
        state["is_superuser"] = user.is_superuser
        state["groups"] = sorted(user.groups.values_list("name", flat=True))
        return state

    def save_model(self, request, obj, form, change):
        stored = type(obj).objects.filter(pk=obj.pk).first() if change else None
        request._itportal_user_before = self._state(stored) if stored else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_itportal_user_before", {})
        after = self._state(form.instance)
        keys = [k for k in after if before.get(k) != after[k]]
        if keys:
            write_change(
                actor=request.user,
                action=ObjectChange.Action.UPDATE if change else ObjectChange.Action.CREATE,
                obj=form.instance,
                before={k: before.get(k) for k in keys if k in before},
                after={k: after[k] for k in keys},
            )

    def delete_model(self, request, obj):
        write_change(
            actor=request.user,
            action=ObjectChange.Action.DELETE,
            obj=obj,
            before=self._state(obj),
            after={},
        )
        super().delete_model(request, obj)


admin.site.unregister(User)
admin.site.register(User, AuditedUserAdmin)
