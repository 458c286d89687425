from rest_framework import serializers

from itportal.api.viewsets import VersionedSerializer
from itportal.registry.api_impact import ImpactPersonSerializer, ImpactUnitSerializer
from itportal.registry.models import System
from itportal.servicedesk.models import Blackout, Change, ChangeApproval


class ChangeApprovalSerializer(serializers.ModelSerializer):
    asked_of = serializers.SerializerMethodField()

    class Meta:
        model = ChangeApproval
        fields = (
            "id",
            "approver",
            "person",
            "board",
            "asked_of",
            "reason",
            "decision",
            "decided_at",
            "decided_by",
            "comment",
            "after_the_fact",
        )
        read_only_fields = fields

    def get_asked_of(self, obj) -> str:
        return str(obj.asked_of)


class ChangeSerializer(VersionedSerializer):
    """A change. Created as a draft and edited while a draft; its status moves only through
    the actions submit, approve, reject, implement and cancel."""

    systems = serializers.PrimaryKeyRelatedField(
        many=True, queryset=System.objects.all(), required=False
    )
    approvals = ChangeApprovalSerializer(many=True, read_only=True)

    class Meta:
        model = Change
        fields = (
            "id",
            "url",
            "version",
            "number",
            "title",
            "description",
            "kind",
            "status",
            "risk",
            "requested_by",
            "systems",
            "planned_start",
            "planned_end",
            "submitted_at",
            "implemented_at",
            "result",
            "backout_plan",
            "approvals",
            "created",
            "updated",
        )
        read_only_fields = (
            "number",
            "status",
            "requested_by",
            "submitted_at",
            "implemented_at",
            "result",
            "created",
            "updated",
        )


class BlackoutSerializer(VersionedSerializer):
    systems = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=System.objects.all(),
        required=False,
        help_text="Empty: every system.",
    )

    class Meta:
        model = Blackout
        fields = (
            "id",
            "url",
            "version",
            "name",
            "description",
            "start",
            "end",
            "systems",
            "created",
            "updated",
        )
        read_only_fields = ("created", "updated")


class ChangeStepSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The version of the change you read.")


class ChangeCancelSerializer(ChangeStepSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ChangeDecisionSerializer(ChangeStepSerializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required when rejecting."
    )
    approval = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The approval to decide; default: every pending approval that is yours.",
    )


class ChangeImplementSerializer(ChangeStepSerializer):
    success = serializers.BooleanField(default=True)
    result = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required when it failed."
    )
    implemented_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class AffectedSystemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    distance = serializers.IntegerField(
        help_text="0 for the systems the change names; else integrations from the nearest one."
    )
    via = serializers.IntegerField(allow_null=True)


class ChangeImpactSerializer(serializers.Serializer):
    systems = AffectedSystemSerializer(many=True)
    units = ImpactUnitSerializer(many=True)
    people = ImpactPersonSerializer(many=True)


class ChangeConflictSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=("change", "blackout"))
    id = serializers.IntegerField(help_text="The other change's or the blackout period's id.")
    name = serializers.CharField()
    systems = serializers.ListField(child=serializers.CharField())
    message = serializers.CharField()
