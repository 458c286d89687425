from rest_framework import serializers

from itportal.chargeback.models import Adjustment, ChargebackLine, ChargebackRun
from itportal.organisation.models import Organisation


class RunSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    period = serializers.CharField(source="period_label", read_only=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = ChargebackRun
        fields = (
            "id",
            "url",
            "version",
            "organisation",
            "period",
            "kind",
            "period_start",
            "period_end",
            "state",
            "computed_at",
            "approved_at",
            "approved_by",
            "closed_at",
            "closed_by",
            "line_count",
            "total_amount",
            "total_vat",
            "total",
            "created",
            "updated",
        )
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class RunComputeSerializer(serializers.Serializer):
    """Create or recompute the draft run of an organisation for a period."""

    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(active=True)
    )
    period = serializers.CharField(
        max_length=7, help_text="A month as YYYY-MM or a quarter as YYYY-Qn."
    )


class RunActionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text="The version you read; a stale version gives 409."
    )


class LineSerializer(serializers.ModelSerializer):
    total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = ChargebackLine
        fields = (
            "id",
            "run",
            "kind",
            "unit",
            "cost_centre",
            "service",
            "fee_rule",
            "adjustment",
            "description",
            "quantity",
            "unit_price",
            "amount",
            "vat_rate",
            "vat",
            "total",
            "account",
            "revenue_account",
        )
        read_only_fields = fields


class AdjustmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Adjustment
        fields = (
            "id",
            "url",
            "version",
            "original",
            "amount",
            "reason",
            "booked_in",
            "created",
            "updated",
        )
        read_only_fields = ("version", "booked_in", "created", "updated")

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()
