from django import forms
from django.utils.translation import gettext_lazy as _

from itportal.core.forms import VersionedModelForm
from itportal.organisation.models import (
    Body,
    BodyMembership,
    Organisation,
    OrgUnit,
    Person,
    Vendor,
    VendorContact,
)


def _limit_units(form, field_name):
    """Offer only the units the user may change (the whole tree for global roles)."""
    field = form.fields.get(field_name)
    if field is not None and form.user is not None:
        field.queryset = OrgUnit.objects.restrict(form.user, "change").select_related(
            "organisation"
        )


def person_by_email(label, *, required=True):
    """A person chosen by e-mail address: a text field that scales to 50,000 people."""
    return forms.ModelChoiceField(
        queryset=Person.objects.all(),
        to_field_name="email",
        label=label,
        required=required,
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "off"}),
        error_messages={"invalid_choice": _("No person has this e-mail address.")},
    )


class OrganisationForm(VersionedModelForm):
    class Meta:
        model = Organisation
        fields = (
            "name",
            "short_name",
            "kind",
            "org_number",
            "municipality_code",
            "owner",
            "inhabitants",
            "active",
        )


class OrgUnitForm(VersionedModelForm):
    class Meta:
        model = OrgUnit
        fields = (
            "organisation",
            "parent",
            "name",
            "kind",
            "cost_centre",
            "headcount",
            "manager",
            "active",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_units(self, "parent")
        self.fields["manager"] = person_by_email(_("Manager (e-mail)"), required=False)
        if self.instance.manager_id and not self.is_bound:
            self.initial["manager"] = self.instance.manager.email


class PersonForm(VersionedModelForm):
    class Meta:
        model = Person
        fields = ("first_name", "last_name", "email", "phone", "title", "unit", "active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_units(self, "unit")


class VendorForm(VersionedModelForm):
    class Meta:
        model = Vendor
        fields = ("name", "org_number", "country", "website", "email", "phone", "notes")


class VendorContactForm(VersionedModelForm):
    class Meta:
        model = VendorContact
        fields = ("vendor", "name", "role", "email", "phone")


class BodyForm(VersionedModelForm):
    class Meta:
        model = Body
        fields = ("name", "kind", "organisation", "description", "active")


class BodyMembershipForm(VersionedModelForm):
    class Meta:
        model = BodyMembership
        fields = ("body", "person", "role", "start", "end")
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = person_by_email(_("Person (e-mail)"))
        if self.instance.person_id and not self.is_bound:
            self.initial["person"] = self.instance.person.email
