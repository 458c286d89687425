"""Saving, renaming, sharing and deleting the agents' queue filters (the queue lists them).
Agents change only their own filters (IT administrators also those shared by others); another
agent's private filter is not found. Writes through servicedesk.saved_filters."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from itportal.core.views import ObjectCreateView, ObjectDeleteView, ObjectEditView
from itportal.servicedesk import saved_filters
from itportal.servicedesk.forms_saved import SavedFilterForm
from itportal.servicedesk.models import SavedFilter


class QueueLinks:
    def list_url(self):
        return reverse("servicedesk:ticket_list")


class OwnOrShared(QueueLinks):
    def get_object(self):
        rows = saved_filters.filters_of(self.request.user, self.action)
        return get_object_or_404(rows, pk=self.kwargs["pk"])


class SavedFilterCreate(QueueLinks, ObjectCreateView):
    """Save a filter: the queue posts its current filter here; a GET shows the form, with
    `?querystring=…` filled in."""

    model = SavedFilter
    form_class = SavedFilterForm
    template_name = "servicedesk/saved_filter_edit.html"
    create_service = staticmethod(saved_filters.create_filter)

    def get_object(self):
        return SavedFilter(owner=self.request.user)


class SavedFilterEdit(OwnOrShared, ObjectEditView):
    model = SavedFilter
    form_class = SavedFilterForm
    template_name = "servicedesk/saved_filter_edit.html"
    update_service = staticmethod(saved_filters.update_filter)


class SavedFilterDelete(OwnOrShared, ObjectDeleteView):
    model = SavedFilter
    delete_service = staticmethod(saved_filters.delete_filter)

    def success_url(self, obj):
        return self.list_url()
