from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError

from itportal.api.permissions import ACTION_OF_METHOD
from itportal.core.permissions import holds_globally


class VersionedSerializer(serializers.ModelSerializer):
    """Exposes `version`; an update must send the version it read (optimistic locking)."""

    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version you read. Required for updates; a stale version gives 409.",
    )
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()

    def validate(self, attrs):
        # Uniqueness and model rules are checked by the service (full_clean), once.
        return attrs


class ServiceViewSet(viewsets.ModelViewSet):
    """CRUD through the app's services; every queryset through `restrict()`."""

    model = None
    create_service = None
    update_service = None
    delete_service = None
    select_related = ()
    prefetch_related = ()
    ordering_fields = "__all__"

    def get_queryset(self):
        action = ACTION_OF_METHOD.get(self.request.method, "view")
        queryset = self.model.objects.restrict(self.request.user, action)
        if self.select_related:  # select_related() with no names would follow every foreign key
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset.order_by(*self.model._meta.ordering, "pk")

    def split_m2m(self, data):
        """Many-to-many values go to the service separately (they need a saved row)."""
        names = {f.name for f in self.model._meta.many_to_many}
        m2m = {name: data.pop(name) for name in list(data) if name in names}
        return {"m2m": m2m} if m2m else {}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        extra = self.split_m2m(data)
        self.check_before_write(data, "add")
        instance = self.model(**data)
        with transaction.atomic():
            type(self).create_service(instance, actor=self.request.user, **extra)
            self.check_scope(instance, "add")
        serializer.instance = instance

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if version is None:
            raise ValidationError(
                {"version": [_("Send the version you read; it is required for updates.")]}
            )
        instance = serializer.instance
        extra = self.split_m2m(data)
        self.check_before_write(data, "change")
        with transaction.atomic():
            type(self).update_service(
                instance, actor=self.request.user, data=data, expected_version=version, **extra
            )
            self.check_scope(instance, "change")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "version",
                OpenApiTypes.INT,
                required=True,
                description="The version you read; a stale version gives 409.",
            )
        ]
    )
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance):
        version = self.request.query_params.get("version")
        if version is None:
            raise ValidationError(
                {"version": [_("Send the version you read (?version=N); it is required.")]}
            )
        if not (version.isascii() and version.isdigit()):
            raise ValidationError({"version": [_("The version must be a whole number.")]})
        type(self).delete_service(instance, actor=self.request.user, expected_version=version)

    def check_before_write(self, data, action):
        """Hook: refuse a write whose incoming values reach outside the user's rights, before
        anything is written (needed where the new row itself would grant the right)."""

    def check_scope(self, instance, action):
        """A user acting through unit-scoped roles may not create or move a row outside their
        units: the saved row must still lie in their scope (the transaction is rolled back)."""
        user = self.request.user
        if holds_globally(user, self.model, action):
            return
        if not self.model.objects.restrict(user, action).filter(pk=instance.pk).exists():
            raise PermissionDenied(
                _("%(object)s would lie outside the units you may change.") % {"object": instance}
            )
