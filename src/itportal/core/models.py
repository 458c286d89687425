from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itportal.core.permissions import RestrictedQuerySet
from itportal.core.roles import Role


class BaseModel(models.Model):
    """Timestamps and a version counter for optimistic locking (see core.services)."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = RestrictedQuerySet.as_manager()

    # Fields left out of the audit log's before/after (noise, not facts).
    audit_exclude = ("created", "updated", "version")

    class Meta:
        abstract = True


class ObjectChangeQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("The change log is append-only.")

    def delete(self):
        raise PermissionDenied("The change log is append-only.")


class ObjectChange(models.Model):
    """One row per create, update or delete made through a service. Append-only."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.CharField(_("actor"), max_length=150)
    source = models.CharField(_("source"), max_length=50, blank=True)
    request_id = models.CharField(_("request id"), max_length=32, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), encoder=DjangoJSONEncoder, default=dict, blank=True)
    after = models.JSONField(_("after"), encoder=DjangoJSONEncoder, default=dict, blank=True)

    objects = ObjectChangeQuerySet.as_manager()

    access_policy = {"view": {Role.IT_ADMIN}}

    class Meta:
        ordering = ("-time", "-id")
        indexes = [models.Index(fields=("content_type", "object_id", "-time"))]
        verbose_name = _("change")
        verbose_name_plural = _("change log")

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("The change log is append-only.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("core:change_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The change log is append-only.")

    @property
    def source_display(self):
        from itportal.core.display import source_label

        return source_label(self.source)

    @property
    def changed_fields(self):
        keys = list(dict.fromkeys([*self.before.keys(), *self.after.keys()]))
        return [(k, self.before.get(k), self.after.get(k)) for k in keys]


class LoginFailure(models.Model):
    """Failed logins per username, for the lockout after repeated failures."""

    username = models.CharField(max_length=150, db_index=True)
    time = models.DateTimeField(auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self):
        return f"{self.username} {self.time:%Y-%m-%d %H:%M}"
