from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from itportal.chargeback import services
from itportal.organisation.models import Organisation


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class RunComputeForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(active=True),
    )
    period = forms.CharField(
        label=_("Period"),
        max_length=20,
        help_text=_("A month as YYYY-MM (2026-11) or a quarter as YYYY-Qn (2026-Q4)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(active=True)
        _style(self)

    def clean_period(self):
        value = self.cleaned_data["period"].strip().upper()
        services.parse_period(value)  # raises ValidationError with the reason
        return value


class AdjustmentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount excl. VAT"),
        max_digits=14,
        decimal_places=2,
        help_text=_("Negative to credit the unit, positive to charge more."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_amount(self):
        value = self.cleaned_data["amount"]
        if value == 0:
            raise ValidationError(_("An adjustment of 0 kr changes nothing."))
        return value
