from django import forms
from django.utils.translation import gettext_lazy as _

from itportal.core.forms import VersionedModelForm
from itportal.registry.models import System
from itportal.servicedesk.models import Blackout, Change

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def datetime_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


def _systems_field(form):
    field = form.fields["systems"]
    field.queryset = System.objects.order_by("name").only("pk", "name")
    field.widget.attrs["size"] = 10


class ChangeForm(VersionedModelForm):
    """A draft change. The window is local time (Europe/Stockholm); a time that does not exist
    or exists twice on the night the clocks change is refused by the field."""

    class Meta:
        model = Change
        fields = (
            "title",
            "kind",
            "risk",
            "systems",
            "planned_start",
            "planned_end",
            "description",
            "backout_plan",
        )
        widgets = {
            "planned_start": datetime_widget(),
            "planned_end": datetime_widget(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "backout_plan": forms.Textarea(attrs={"rows": 3}),
        }

    m2m_fields = ("systems",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _systems_field(self)
        for name in ("planned_start", "planned_end"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]


class BlackoutForm(VersionedModelForm):
    class Meta:
        model = Blackout
        fields = ("name", "start", "end", "systems", "description")
        widgets = {
            "start": datetime_widget(),
            "end": datetime_widget(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    m2m_fields = ("systems",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _systems_field(self)
        for name in ("start", "end"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]


class ImplementForm(forms.Form):
    success = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=(("1", _("Implemented")), ("0", _("Failed"))),
        coerce=lambda value: value == "1",
        initial="1",
    )
    result = forms.CharField(label=_("Result"), required=False, widget=forms.Textarea)
