from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from itportal.chargeback.models import Adjustment, ChargebackLine, ChargebackRun
from itportal.organisation.models import Organisation


def _shown(name, cached):
    """The total the user may see: annotated by selectors.with_shown_totals (a unit role sees
    the sums of its units' lines only); the run's cached total after a finance role's write."""

    def read(self, obj):
        value = getattr(obj, name, None)
        value = getattr(obj, cached) if value is None else value
        if isinstance(value, int):
            return value
        return f"{Decimal(value):.2f}"  # as DRF writes decimals: a string, two decimals

    return read


class RunSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    period = serializers.CharField(source="period_label", read_only=True)
    line_count = serializers.SerializerMethodField()
    total_amount = serializers.SerializerMethodField()
    total_vat = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()

    get_line_count = extend_schema_field(OpenApiTypes.INT)(_shown("shown_lines", "line_count"))
    get_total_amount = extend_schema_field(OpenApiTypes.DECIMAL)(
        _shown("shown_amount", "total_amount")
    )
    get_total_vat = extend_schema_field(OpenApiTypes.DECIMAL)(_shown("shown_vat", "total_vat"))
    get_total = extend_schema_field(OpenApiTypes.DECIMAL)(_shown("shown_total", "total"))

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
