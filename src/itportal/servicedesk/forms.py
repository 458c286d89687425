"""Forms of the service desk. They only read and check input; the views hand the cleaned data
to servicedesk.services and services_more, which hold the rules."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from itportal.catalogue.choices import ServiceStatus
from itportal.catalogue.models import Service
from itportal.core.widgets import speed_up
from itportal.registry.models import System
from itportal.servicedesk import selectors
from itportal.servicedesk.choices import TRANSITIONS, Level, Status
from itportal.servicedesk.models import Ticket


class BootstrapMixin:
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)
            speed_up(field)


class VersionField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, min_value=1, **kwargs)


def active_services():
    return Service.objects.filter(status=ServiceStatus.ACTIVE).order_by("name")


class IncidentForm(BootstrapMixin, forms.Form):
    """An incident reported by the person it affects (impact is fixed low for self-reports)."""

    title = forms.CharField(
        label=_("What is wrong?"),
        max_length=200,
        help_text=_("One line, e.g. “The printer on floor 3 does not print”."),
    )
    description = forms.CharField(
        label=_("Describe the problem"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("What happened, when, and what you have tried."),
    )
    service = forms.ModelChoiceField(
        label=_("Affected IT service"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=_("Don't know"),
    )
    system = forms.ModelChoiceField(
        label=_("Affected system"),
        queryset=System.objects.none(),
        required=False,
        empty_label=_("Don't know"),
    )
    urgency = forms.TypedChoiceField(
        label=_("How urgent is it for you?"),
        choices=Level.choices,
        coerce=int,
        initial=Level.LOW,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = active_services()
        systems = System.objects.order_by("name")
        self.fields["system"].queryset = systems.restrict(user, "view") if user else systems


class OrderForm(BootstrapMixin, forms.Form):
    quantity = forms.DecimalField(
        label=_("Quantity"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        initial=1,
    )
    justification = forms.CharField(
        label=_("Why is it needed?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("For the person who approves: who will use it, and from when."),
    )


class ReplyForm(BootstrapMixin, forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    internal = forms.BooleanField(
        label=_("Internal note (not shown to the requester)"), required=False
    )

    def __init__(self, *args, agent=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not agent:
            del self.fields["internal"]


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    note = forms.CharField(max_length=500, required=False)
    _version = VersionField()


def allowed_statuses(ticket):
    """The statuses the ticket may move to, in the order of Status."""
    allowed = TRANSITIONS[Status(ticket.status)]
    return [(s.value, s.label) for s in Status if s in allowed]


class AssignForm(BootstrapMixin, forms.Form):
    group = forms.ModelChoiceField(
        label=_("Assignment group"), queryset=selectors.groups(), required=False
    )
    agent = forms.ModelChoiceField(
        label=_("Agent"), queryset=selectors.agents(), required=False, empty_label=_("Nobody")
    )
    _version = VersionField(required=False)

    def __init__(self, *args, **kwargs):
        # Its own ids: the queue's filter form beside it has fields of the same names.
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        self.fields["agent"].label_from_instance = lambda u: u.get_full_name() or u.username


class AttachmentForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("File"))


class ProblemLinkForm(BootstrapMixin, forms.Form):
    problem = forms.ModelChoiceField(
        label=_("Problem"),
        queryset=Ticket.objects.none(),
        required=False,
        empty_label=_("No problem"),
    )
    _version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = selectors.open_problems()


class ProblemForm(BootstrapMixin, forms.Form):
    root_cause = forms.CharField(
        label=_("Root cause"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    workaround = forms.CharField(
        label=_("Workaround"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    known_error = forms.BooleanField(
        label=_("Known error (show the workaround on matching incidents)"), required=False
    )
    _version = VersionField()


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=(("approve", _("Approve")), ("reject", _("Reject"))))
    reason = forms.CharField(max_length=500, required=False)
    _version = VersionField(required=False)


BULK_NOTHING = ""
BULK_KEEP = "keep"


class BulkForm(BootstrapMixin, forms.Form):
    """Assign and/or change the status of the selected tickets."""

    tickets = forms.TypedMultipleChoiceField(coerce=int, label=_("Tickets"))
    assign = forms.BooleanField(label=_("Assign to"), required=False)
    group = forms.ModelChoiceField(
        label=_("Assignment group"), queryset=selectors.groups(), required=False
    )
    agent = forms.ModelChoiceField(
        label=_("Agent"), queryset=selectors.agents(), required=False, empty_label=_("Nobody")
    )
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[(BULK_NOTHING, _("Keep the status")), *Status.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        # Its own ids: the queue's filter form beside it has fields of the same names.
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        self.fields["agent"].label_from_instance = lambda u: u.get_full_name() or u.username
        # any whole numbers: the view looks the tickets up through restrict()
        self.fields["tickets"].valid_value = (
            lambda value: str(value).isdigit() and int(value) < 2**63  # a database id
        )
        self.fields["tickets"].error_messages["required"] = _("Select at least one ticket.")
