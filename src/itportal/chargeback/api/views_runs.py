"""API of chargeback runs, their lines and adjustments; every write through
chargeback.services, so the API refuses what the pages refuse (a closed run never changes)."""

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from itportal.api.permissions import RestrictedPermission
from itportal.chargeback import services
from itportal.chargeback.api import serializers_runs as s
from itportal.chargeback.filtersets import AdjustmentFilterSet, LineFilterSet, RunFilterSet
from itportal.chargeback.models import Adjustment, ChargebackLine, ChargebackRun
from itportal.chargeback.selectors import with_shown_totals
from itportal.chargeback.views_runs import CONTROL, FINANCE, VIEW_RUN, recompute

# The rule of each action of the run API (reading: anyone who may see the run)
RUN_RULES = {
    "create": FINANCE,
    "destroy": FINANCE,
    "recompute": FINANCE,
    "approve": CONTROL,
    "reopen": CONTROL,
    "close": CONTROL,
}


class RunViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Runs: list and read; POST {organisation, period} creates or recomputes the draft;
    DELETE ?version=N deletes a draft; approve, reopen, close and recompute are POST actions
    with {version}. There is no PUT or PATCH: a run changes only through those."""

    model = ChargebackRun
    access_rule = VIEW_RUN
    permission_classes = [RestrictedPermission]
    serializer_class = s.RunSerializer
    filterset_class = RunFilterSet
    ordering_fields = ("period_start", "organisation__name", "state", "shown_total")

    def initial(self, request, *args, **kwargs):
        # RestrictedPermission applies the rule of the action being called
        self.access_rule = RUN_RULES.get(self.action, VIEW_RUN)
        super().initial(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        runs = with_shown_totals(ChargebackRun.objects.restrict(user, "view"), user)
        return runs.select_related("organisation").order_by("-period_start", "pk")

    def get_serializer_class(self):
        if self.action == "create":
            return s.RunComputeSerializer
        if self.action in ("approve", "reopen", "close", "recompute"):
            return s.RunActionSerializer
        return s.RunSerializer

    @extend_schema(request=s.RunComputeSerializer, responses={201: s.RunSerializer})
    def create(self, request, *args, **kwargs):
        form = s.RunComputeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        run = services.compute_run(
            form.validated_data["organisation"],
            form.validated_data["period"].strip().upper(),
            actor=request.user,
        )
        return Response(s.RunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "version",
                OpenApiTypes.INT,
                required=True,
                description="The version you read; a stale version gives 409.",
            )
        ]
    )
    def destroy(self, request, *args, **kwargs):
        run = self.get_object()
        services.delete_run(run, actor=request.user, expected_version=self._version_param())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _version_param(self):
        version = self.request.query_params.get("version")
        if version is None:
            raise ValidationError(
                {"version": [_("Send the version you read (?version=N); it is required.")]}
            )
        if not (version.isascii() and version.isdigit()):
            raise ValidationError({"version": [_("The version must be a whole number.")]})
        return int(version)

    def _act(self, request, change):
        form = s.RunActionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        run = self.get_object()
        with transaction.atomic():
            run = change(run, actor=request.user, expected_version=form.validated_data["version"])
        run.refresh_from_db()
        return Response(s.RunSerializer(run).data)

    @extend_schema(request=s.RunActionSerializer, responses=s.RunSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._act(request, services.approve_run)

    @extend_schema(request=s.RunActionSerializer, responses=s.RunSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._act(request, services.reopen_run)

    @extend_schema(request=s.RunActionSerializer, responses=s.RunSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(request, services.close_run)

    @extend_schema(request=s.RunActionSerializer, responses=s.RunSerializer)
    @action(detail=True, methods=["post"])
    def recompute(self, request, pk=None):
        return self._act(request, recompute)


class LineViewSet(viewsets.ReadOnlyModelViewSet):
    """Lines of runs (filter ?run=, ?unit=, ?kind=, ?service=); unit roles see their units'."""

    model = ChargebackLine
    permission_classes = [RestrictedPermission]
    serializer_class = s.LineSerializer
    filterset_class = LineFilterSet
    ordering_fields = ("id", "cost_centre", "amount", "vat")

    def get_queryset(self):
        return ChargebackLine.objects.restrict(self.request.user, "view").order_by("run", "id")


class AdjustmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Adjustments of lines of closed runs (controllers create them); booked in the next run."""

    model = Adjustment
    permission_classes = [RestrictedPermission]
    serializer_class = s.AdjustmentSerializer
    filterset_class = AdjustmentFilterSet

    def get_queryset(self):
        return Adjustment.objects.restrict(self.request.user, "view").order_by("-created", "pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        line = data["original"]
        if not ChargebackLine.objects.restrict(self.request.user).filter(pk=line.pk).exists():
            raise ValidationError({"original": [_("No such line.")]})
        serializer.instance = services.create_adjustment(
            line, amount=data["amount"], reason=data["reason"], actor=self.request.user
        )
