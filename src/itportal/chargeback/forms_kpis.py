"""Forms and filters of the KPI pages: year figures, peer values and the peer file upload."""

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itportal.chargeback.kpis import KPIS
from itportal.chargeback.models import PeerValue, YearFigures
from itportal.core.filters import SearchFilterSet
from itportal.core.forms import VersionedModelForm
from itportal.organisation.models import Organisation

MAX_FILES = 50


class YearFiguresForm(VersionedModelForm):
    class Meta:
        model = YearFigures
        fields = (
            "organisation",
            "year",
            "operating_cost",
            "other_it_cost",
            "development_cost",
            "inhabitants",
            "note",
        )
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.restrict(self.user, "view")


class YearFilter(django_filters.NumberFilter):
    """A whole year (2000–2100); anything else is a form error, never a database error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


class YearFiguresFilterSet(SearchFilterSet):
    search_fields = ("organisation__name", "note")
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(), label=gettext_lazy("Organisation")
    )
    year = YearFilter(label=gettext_lazy("Year"))

    class Meta:
        model = YearFigures
        fields = ("organisation", "year")


class PeerValueFilterSet(SearchFilterSet):
    search_fields = ("municipality", "municipality_name", "source")
    kpi = django_filters.ChoiceFilter(
        choices=[(k.code, f"{k.code} {k.label}") for k in KPIS], label=gettext_lazy("KPI")
    )
    period = YearFilter(label=gettext_lazy("Year"))
    municipality = django_filters.CharFilter(label=gettext_lazy("Municipality code"))

    class Meta:
        model = PeerValue
        fields = ("kpi", "period", "municipality", "gender")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more uploaded files, as a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:
                return [single(None, initial)]
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class PeerImportForm(forms.Form):
    files = MultipleFileField(
        label=gettext_lazy("KPI files (JSON)"),
        help_text=gettext_lazy(
            "One or more files in the KPI exchange format, e.g. exported by another "
            "municipality's IT-portalen."
        ),
        widget=MultipleFileInput(attrs={"class": "form-control", "accept": ".json"}),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: only show what would happen"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise ValidationError(_("At most %(limit)s files at a time.") % {"limit": MAX_FILES})
        total = sum(f.size for f in files)
        limit = settings.IMPORT_MAX_BYTES
        if total > limit:
            raise ValidationError(
                _(
                    "The files are %(size).1f MB together; the largest upload accepted is "
                    "%(limit).1f MB."
                )
                % {"size": total / 1048576, "limit": limit / 1048576}
            )
        return files
