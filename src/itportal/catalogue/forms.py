from django import forms
from django.utils.translation import gettext_lazy as _

from itportal.catalogue.models import ITFeeRule, Price, PriceList, Service, Subscription
from itportal.core.forms import VersionedModelForm
from itportal.organisation.forms import person_by_email
from itportal.organisation.models import OrgUnit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitChoiceField(forms.ModelChoiceField):
    """Units named with their cost centre and organisation: names repeat across the group."""

    def label_from_instance(self, obj):
        return f"{obj.cost_centre} {obj.name} ({obj.organisation})"


class ServiceForm(VersionedModelForm):
    class Meta:
        model = Service
        fields = (
            "name",
            "code",
            "category",
            "summary",
            "included",
            "excluded",
            "owner",
            "owner_unit",
            "billing_unit",
            "cost_kind",
            "systems",
            "orderable",
            "status",
            "vat_rate",
            "cost_account",
            "revenue_account",
        )
        widgets = {
            "included": forms.Textarea(attrs={"rows": 4}),
            "excluded": forms.Textarea(attrs={"rows": 3}),
        }

    m2m_fields = ("systems",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = person_by_email(_("Service owner (e-mail)"), required=False)
        if not self.is_bound and self.instance.pk and self.instance.owner_id:
            self.initial["owner"] = self.instance.owner.email
        self.fields["owner_unit"].queryset = OrgUnit.objects.select_related("organisation")


class PriceListForm(VersionedModelForm):
    class Meta:
        model = PriceList
        fields = ("year", "note")
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class PriceForm(VersionedModelForm):
    class Meta:
        model = Price
        fields = ("price_list", "service", "valid_from", "valid_to", "amount")
        widgets = {"valid_from": DATE, "valid_to": DATE}


class SubscriptionForm(VersionedModelForm):
    class Meta:
        model = Subscription
        fields = (
            "unit",
            "service",
            "quantity",
            "start",
            "end",
            "identifiers",
            "reference",
            "note",
        )
        widgets = {
            "start": DATE,
            "end": DATE,
            "identifiers": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"unit": UnitChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.select_related("organisation").order_by(
            "organisation__name", "cost_centre"
        )


class ITFeeRuleForm(VersionedModelForm):
    class Meta:
        model = ITFeeRule
        fields = (
            "organisation",
            "basis",
            "annual_amount",
            "valid_from",
            "valid_to",
            "vat_rate",
            "description",
            "cost_account",
            "revenue_account",
        )
        widgets = {"valid_from": DATE, "valid_to": DATE}
