"""API of the agents' saved queue filters: the caller's own and those shared with them; writes
through servicedesk.saved_filters, so the API refuses what the pages refuse."""

from itportal.api.permissions import ACTION_OF_METHOD
from itportal.api.viewsets import ServiceViewSet
from itportal.servicedesk import saved_filters
from itportal.servicedesk.api import serializers_saved as s
from itportal.servicedesk.models import SavedFilter


class SavedFilterViewSet(ServiceViewSet):
    """Saved queue filters (agents): list and read the caller's own and those shared with
    them; create (the caller owns it), rename, share and delete their own (PUT/PATCH with
    `version`, DELETE with `?version=`). Another agent's private filter is not found."""

    model = SavedFilter
    serializer_class = s.SavedFilterSerializer
    create_service = staticmethod(saved_filters.create_filter)
    update_service = staticmethod(saved_filters.update_filter)
    delete_service = staticmethod(saved_filters.delete_filter)
    ordering_fields = ("name", "updated")

    def get_queryset(self):
        action = ACTION_OF_METHOD.get(self.request.method, "view")
        rows = saved_filters.filters_of(self.request.user, action)
        return rows.select_related("owner", "group").order_by("name", "pk")

    def perform_create(self, serializer):
        serializer.validated_data["owner"] = self.request.user
        super().perform_create(serializer)
