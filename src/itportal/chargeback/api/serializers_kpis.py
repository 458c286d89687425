"""Serializers of the KPI routes: year figures, peer values and the KPI exchange document."""

from rest_framework import serializers

from itportal.api.viewsets import VersionedSerializer
from itportal.chargeback.models import PeerValue, YearFigures

BASE = ("id", "url", "version", "created", "updated")
READ_ONLY = ("created", "updated")


class YearFiguresSerializer(VersionedSerializer):
    class Meta:
        model = YearFigures
        fields = (
            *BASE,
            "organisation",
            "year",
            "operating_cost",
            "other_it_cost",
            "development_cost",
            "inhabitants",
            "note",
        )
        read_only_fields = READ_ONLY


class PeerValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = PeerValue
        fields = (
            "id",
            "kpi",
            "municipality",
            "municipality_name",
            "period",
            "gender",
            "value",
            "source",
            "imported_at",
        )
        read_only_fields = fields


class KpiValueSerializer(serializers.Serializer):
    gender = serializers.ChoiceField(choices=("T", "K", "M"), help_text="T: total.")
    status = serializers.CharField(
        allow_blank=True, help_text='"" for a final value, "preliminary" when a run is a draft.'
    )
    value = serializers.FloatField()
    count = serializers.IntegerField()


class KpiEntrySerializer(serializers.Serializer):
    kpi = serializers.CharField(help_text="KPI code, e.g. ITK002 (docs/kpi-exchange.md).")
    municipality = serializers.CharField(help_text="Four-digit municipality code (kommunkod).")
    municipality_name = serializers.CharField(help_text="Our extension of Kolada's format.")
    period = serializers.IntegerField(help_text="The year.")
    values = KpiValueSerializer(many=True)


class KpiDocumentSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    values = KpiEntrySerializer(many=True)
