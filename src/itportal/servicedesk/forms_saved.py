from itportal.core.forms import VersionedModelForm
from itportal.servicedesk import selectors
from itportal.servicedesk.models import SavedFilter


class SavedFilterForm(VersionedModelForm):
    """Name, query string and sharing of a saved queue filter; the model checks the query
    string against the queue's filters (servicedesk.saved_filters)."""

    class Meta:
        model = SavedFilter
        fields = ("name", "querystring", "visibility", "group", "is_default")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = selectors.groups()
        if self.instance.pk and self.user is not None and self.instance.owner_id != self.user.pk:
            del self.fields["is_default"]  # the owner's default: theirs alone to choose
