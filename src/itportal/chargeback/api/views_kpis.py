"""API views of the KPI routes: year figures (read and write through the catalogue's record
services), peer values (read-only) and the KPI exchange document."""

from django.shortcuts import get_object_or_404
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from itportal.api.permissions import RestrictedPermission
from itportal.api.viewsets import ServiceViewSet
from itportal.catalogue import services
from itportal.chargeback import kpis
from itportal.chargeback.api import serializers_kpis as s
from itportal.chargeback.forms_kpis import PeerValueFilterSet, YearFiguresFilterSet
from itportal.chargeback.models import PeerValue, YearFigures
from itportal.core.access import ModelAction
from itportal.organisation.models import Organisation


class YearFiguresViewSet(ServiceViewSet):
    """Figures per organisation and year behind the cost KPIs (operating cost, other IT costs,
    development costs, inhabitants). Finance roles write; IT administrators delete."""

    model = YearFigures
    serializer_class = s.YearFiguresSerializer
    filterset_class = YearFiguresFilterSet
    create_service = staticmethod(services.record_create)
    update_service = staticmethod(services.record_update)
    delete_service = staticmethod(services.record_delete)


class PeerValueViewSet(viewsets.ReadOnlyModelViewSet):
    """KPI values of other municipalities, imported from their KPI files."""

    model = PeerValue
    serializer_class = s.PeerValueSerializer
    filterset_class = PeerValueFilterSet

    def get_queryset(self):
        return PeerValue.objects.all().order_by("kpi", "period", "municipality", "gender", "pk")


class DocumentSchema(AutoSchema):
    """The route is a router "list", but its response is one document, not a list."""

    def _is_list_view(self, serializer=None):
        return False


class KpiViewSet(viewsets.ViewSet):
    """The organisation's cost KPIs in the exchange format (docs/kpi-exchange.md)."""

    model = YearFigures  # read by the permission-coverage test: YearFigures "view" (anyone)
    access_rule = ModelAction(YearFigures, "view")
    permission_classes = [RestrictedPermission]
    schema = DocumentSchema()

    @extend_schema(
        operation_id="kpis_list",
        summary="Our cost KPIs as a Kolada-shaped document",
        parameters=[
            OpenApiParameter(
                "organisation",
                OpenApiTypes.INT,
                description="Organisation id; default: the municipality.",
            )
        ],
        responses={
            200: s.KpiDocumentSerializer,
            404: OpenApiResponse(description="No such organisation, or not visible to you."),
        },
        tags=["kpis"],
    )
    def list(self, request, *args, **kwargs):
        visible = Organisation.objects.restrict(request.user, "view")
        wanted = request.query_params.get("organisation")
        if wanted:
            if not wanted.isdigit():
                raise NotFound()
            organisation = get_object_or_404(visible, pk=int(wanted))
        else:
            organisation = kpis.default_organisation(visible)
            if organisation is None:
                raise NotFound()
        return Response(kpis.exchange_document(organisation))
