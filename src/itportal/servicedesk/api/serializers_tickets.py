"""Serializers of the ticket API. Writes go through servicedesk.services; these only read and
check the input."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from itportal.catalogue.models import Service
from itportal.organisation.models import Person
from itportal.registry.models import System
from itportal.servicedesk.choices import Kind, Level, Status
from itportal.servicedesk.models import AssignmentGroup, Ticket, TicketEntry

TICKET_FIELDS = (
    "id",
    "url",
    "version",
    "number",
    "kind",
    "title",
    "description",
    "channel",
    "requester",
    "unit",
    "service",
    "system",
    "device",
    "impact",
    "urgency",
    "priority",
    "status",
    "group",
    "agent",
    "opened_at",
    "responded_at",
    "resolved_at",
    "closed_at",
    "response_due",
    "resolution_due",
    "response_breached",
    "resolution_breached",
    "problem",
    "root_cause",
    "workaround",
    "known_error",
    "quantity",
    "approval",
    "approved_by",
    "approved_at",
    "subscription",
    "created",
    "updated",
)


class TicketSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = TICKET_FIELDS
        read_only_fields = TICKET_FIELDS

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class TicketCreateSerializer(serializers.Serializer):
    """Open a ticket. The requester defaults to the caller's own person; only agents open
    tickets for others, set the impact or choose the assignment group."""

    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    requester = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, allow_null=True, default=None
    )
    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.all(), required=False, allow_null=True, default=None
    )
    system = serializers.PrimaryKeyRelatedField(
        queryset=System.objects.all(), required=False, allow_null=True, default=None
    )
    device = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    impact = serializers.ChoiceField(choices=Level.choices, required=False, default=Level.LOW)
    urgency = serializers.ChoiceField(choices=Level.choices, required=False, default=Level.LOW)
    quantity = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )
    group = serializers.PrimaryKeyRelatedField(
        queryset=AssignmentGroup.objects.all(), required=False, allow_null=True, default=None
    )


class TicketPatchSerializer(serializers.Serializer):
    """Change the assignment and/or the status; `version` is the one you read."""

    version = serializers.IntegerField(min_value=1)
    group = serializers.PrimaryKeyRelatedField(
        queryset=AssignmentGroup.objects.all(), required=False, allow_null=True
    )
    agent = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField()
    public = serializers.BooleanField(
        required=False, default=True, help_text="False: an internal note (agents only)."
    )


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    version = serializers.IntegerField(min_value=1, required=False)


class FulfilSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    start = serializers.DateField(required=False, allow_null=True, default=None)


class EntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = TicketEntry
        fields = ("id", "ticket", "kind", "author", "author_email", "body", "channel", "created")
        read_only_fields = fields
