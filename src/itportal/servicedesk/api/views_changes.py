"""API of changes and blackout periods; every write through servicedesk.changes, so the API
refuses what the pages refuse (a requester approving their own change, a window that ends
before it starts, a step the status does not allow)."""

from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from itportal.api.permissions import ACTION_OF_METHOD
from itportal.api.viewsets import ServiceViewSet
from itportal.core.access import LoggedIn
from itportal.registry.api_impact import people_json, units_json
from itportal.servicedesk import changes
from itportal.servicedesk.api import serializers_changes as s
from itportal.servicedesk.filtersets_changes import BlackoutFilterSet, ChangeFilterSet
from itportal.servicedesk.models import Blackout, Change, ChangeApproval

# Approvers need no staff role: any login may call these; the service decides who may.
DECIDE_ACTIONS = ("approve", "reject")
READ_ACTIONS = ("list", "retrieve", "impact", "conflicts", *DECIDE_ACTIONS)
STEP_ACTIONS = ("submit", "implement", "cancel")


class ChangeViewSet(ServiceViewSet):
    """Changes: list, read, create and edit drafts (PUT/PATCH with `version`), delete drafts
    (IT administrators). The steps are POST actions with `{version}`: submit (approvers are
    derived then), approve and reject (by an approver; `comment` required to reject),
    implement (`success`, `result`) and cancel. `impact` and `conflicts` are read-only."""

    model = Change
    serializer_class = s.ChangeSerializer
    filterset_class = ChangeFilterSet
    create_service = staticmethod(changes.create_change)
    update_service = staticmethod(changes.update_change)
    delete_service = staticmethod(changes.delete_change)
    ordering_fields = ("number", "planned_start", "planned_end", "status", "kind", "updated")

    def initial(self, request, *args, **kwargs):
        # RestrictedPermission applies an action's own rule when it has one, else the model's
        self.access_rule = LoggedIn() if self.action in DECIDE_ACTIONS else None
        super().initial(request, *args, **kwargs)

    def get_queryset(self):
        if self.action in READ_ACTIONS:
            operation = "view"
        elif self.action in STEP_ACTIONS:
            operation = "change"
        else:
            operation = ACTION_OF_METHOD.get(self.request.method, "view")
        approvals = ChangeApproval.objects.select_related("approver", "person", "board")
        return (
            Change.objects.restrict(self.request.user, operation)
            .select_related("requested_by")
            .prefetch_related("systems", Prefetch("approvals", queryset=approvals))
            .order_by(*Change._meta.ordering, "pk")
        )

    def _step(self, request, serializer_class, run):
        form = serializer_class(data=request.data)
        form.is_valid(raise_exception=True)
        change = self.get_object()
        data = dict(form.validated_data)
        with transaction.atomic():
            run(change, data.pop("version"), data)
        change = self.get_queryset().get(pk=change.pk)
        return Response(s.ChangeSerializer(change, context={"request": request}).data)

    @extend_schema(request=s.ChangeStepSerializer, responses=s.ChangeSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None, **kwargs):
        return self._step(
            request,
            s.ChangeStepSerializer,
            lambda change, version, data: changes.submit(
                change, actor=request.user, expected_version=version
            ),
        )

    def _decide(self, request, approve):
        def run(change, version, data):
            approval = None
            if data.get("approval") is not None:
                approval = get_object_or_404(change.approvals.all(), pk=data["approval"])
            changes.decide(
                change,
                actor=request.user,
                approve=approve,
                comment=data.get("comment", ""),
                approval=approval,
                expected_version=version,
            )

        return self._step(request, s.ChangeDecisionSerializer, run)

    @extend_schema(request=s.ChangeDecisionSerializer, responses=s.ChangeSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None, **kwargs):
        return self._decide(request, True)

    @extend_schema(request=s.ChangeDecisionSerializer, responses=s.ChangeSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None, **kwargs):
        return self._decide(request, False)

    @extend_schema(request=s.ChangeImplementSerializer, responses=s.ChangeSerializer)
    @action(detail=True, methods=["post"])
    def implement(self, request, pk=None, **kwargs):
        return self._step(
            request,
            s.ChangeImplementSerializer,
            lambda change, version, data: changes.implement(
                change,
                actor=request.user,
                success=data["success"],
                result=data["result"],
                at=data["implemented_at"],
                expected_version=version,
            ),
        )

    @extend_schema(request=s.ChangeCancelSerializer, responses=s.ChangeSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, **kwargs):
        return self._step(
            request,
            s.ChangeCancelSerializer,
            lambda change, version, data: changes.cancel(
                change, actor=request.user, reason=data["reason"], expected_version=version
            ),
        )

    @extend_schema(responses=s.ChangeImpactSerializer)
    @action(detail=True, methods=["get"])
    def impact(self, request, pk=None, **kwargs):
        """The systems the change affects (directly and through integrations), the units
        using them and the people to inform."""
        result = changes.impact(self.get_object())
        return Response(
            {
                "systems": [
                    {"id": x.id, "name": x.name, "distance": x.distance, "via": x.via}
                    for x in result.systems
                ],
                "units": units_json(result.units),
                "people": people_json(result.people),
            }
        )

    @extend_schema(responses=s.ChangeConflictSerializer(many=True))
    @action(detail=True, methods=["get"])
    def conflicts(self, request, pk=None, **kwargs):
        """Overlapping changes on the same (or dependent) systems and blackout periods."""
        found = changes.conflicts(self.get_object())
        return Response(
            [
                {
                    "kind": c.kind,
                    "id": c.other.pk,
                    "name": str(c.other),
                    "systems": c.systems,
                    "message": c.message,
                }
                for c in found
            ]
        )


class BlackoutViewSet(ServiceViewSet):
    """Blackout periods: no change may be made then to the systems named (all: none named)."""

    model = Blackout
    serializer_class = s.BlackoutSerializer
    filterset_class = BlackoutFilterSet
    create_service = staticmethod(changes.create_blackout)
    update_service = staticmethod(changes.update_blackout)
    delete_service = staticmethod(changes.delete_blackout)
    prefetch_related = ("systems",)
