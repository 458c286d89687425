from rest_framework import serializers

from itportal.api.viewsets import VersionedSerializer
from itportal.servicedesk.models import SavedFilter


class SavedFilterSerializer(VersionedSerializer):
    """A saved queue filter. `querystring` takes the queue's filter parameters only; `url` is
    the queue with the filter applied; the owner is the caller who made it."""

    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = SavedFilter
        fields = (
            "id",
            "url",
            "version",
            "name",
            "querystring",
            "visibility",
            "group",
            "is_default",
            "owner",
            "created",
            "updated",
        )
        read_only_fields = ("owner", "created", "updated")
