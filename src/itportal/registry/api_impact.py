"""GET /api/systems/<pk>/impact/: the impact analysis of a system as JSON (see registry.graph)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from itportal.api.permissions import RestrictedPermission
from itportal.registry import graph
from itportal.registry.models import System

TRUE_VALUES = ("1", "true", "yes", "on")


class ImpactRootSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    lifecycle = serializers.CharField()


class ImpactSystemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    lifecycle = serializers.CharField()
    distance = serializers.IntegerField(
        help_text="Integrations (hops) between the analysed system and this one."
    )
    via = serializers.IntegerField(
        allow_null=True,
        help_text="The system it is reached from on a shortest path (for upstream systems: "
        "the system it feeds).",
    )


class ImpactUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    users = serializers.IntegerField(
        help_text="Users in the unit of the affected system it uses most (at least this many "
        "people are affected)."
    )
    headcount = serializers.IntegerField()
    systems = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the affected systems the unit uses."
    )


class ImpactRoleSerializer(serializers.Serializer):
    system = serializers.IntegerField()
    role = serializers.CharField()


class ImpactPersonSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=("person", "vendor_contact"))
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField(allow_blank=True)
    active = serializers.BooleanField(help_text="False for a person who has left.")
    roles = ImpactRoleSerializer(many=True)


class ImpactEdgeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    source = serializers.IntegerField()
    target = serializers.IntegerField()
    technology = serializers.CharField()
    information = serializers.CharField()


class ImpactSerializer(serializers.Serializer):
    system = ImpactRootSerializer()
    systems = ImpactSystemSerializer(
        many=True,
        help_text="Every system that depends on the analysed one through active integrations "
        "(information flows source → target; the target depends on the source).",
    )
    upstream = ImpactSystemSerializer(
        many=True, help_text="What the analysed system depends on (only with ?upstream=true)."
    )
    units = ImpactUnitSerializer(
        many=True, help_text="Org units using the analysed system or one of its dependents."
    )
    users = serializers.IntegerField(help_text="Sum of `users` over the units.")
    people = ImpactPersonSerializer(
        many=True, help_text="Holders of active roles on the analysed system or its dependents."
    )
    edges = ImpactEdgeSerializer(
        many=True, help_text="Active integrations between the systems listed."
    )


def units_json(units):
    """The units using affected systems (`graph.UnitImpact`), JSON-ready."""
    return [
        {
            "id": unit.id,
            "name": unit.name,
            "users": unit.users,
            "headcount": unit.headcount,
            "systems": unit.systems,
        }
        for unit in units
    ]


def people_json(people):
    """The people to inform (`graph.RoleHolder`), JSON-ready."""
    return [
        {
            "kind": holder.kind,
            "id": holder.id,
            "name": holder.name,
            "email": holder.email,
            "active": holder.active,
            "roles": [{"system": pk, "role": role} for pk, role in holder.roles],
        }
        for holder in people
    ]


def as_data(result):
    """The JSON-ready dict of a `graph.Impact`."""

    def system(node):
        return {
            "id": node.id,
            "name": node.name,
            "lifecycle": node.lifecycle,
            "distance": node.distance,
            "via": node.via,
        }

    return {
        "system": {
            "id": result.root.id,
            "name": result.root.name,
            "lifecycle": result.root.lifecycle,
        },
        "systems": [system(node) for node in result.systems],
        "upstream": [system(node) for node in result.upstream],
        "units": units_json(result.units),
        "users": result.users,
        "people": people_json(result.people),
        "edges": [
            {
                "id": pk,
                "source": source,
                "target": target,
                "technology": technology,
                "information": information,
            }
            for pk, source, target, technology, information in result.edges
        ],
    }


class ImpactAPIView(APIView):
    """What depends on a system, transitively, and the org units and people affected."""

    model = System  # RestrictedPermission: System "view"
    permission_classes = [RestrictedPermission]

    @extend_schema(
        operation_id="systems_impact",
        summary="Impact analysis of a system",
        parameters=[
            OpenApiParameter(
                "upstream",
                OpenApiTypes.BOOL,
                description="Also list what the system itself depends on.",
            )
        ],
        responses={
            200: ImpactSerializer,
            404: OpenApiResponse(description="No such system, or not visible to you."),
        },
        tags=["systems"],
    )
    def get(self, request, pk):
        queryset = System.objects.restrict(request.user, "view").only("pk")
        system = get_object_or_404(queryset, pk=pk)
        upstream = request.query_params.get("upstream", "").lower() in TRUE_VALUES
        result = graph.impact(system.pk, upstream=upstream)
        # The data is built by us, not parsed: the serializer documents it in the schema.
        return Response(as_data(result))
