"""The ticket API: list, read and open tickets; PATCH the assignment and the status; reply,
approve, reject and fulfil as POST actions; read a ticket's entries. Every write goes through
servicedesk.services, so the API refuses what the pages refuse. There is no DELETE."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from itportal.api.permissions import RestrictedPermission
from itportal.servicedesk import selectors, services
from itportal.servicedesk.api import serializers_tickets as s
from itportal.servicedesk.choices import Channel, EntryKind, Level
from itportal.servicedesk.filtersets import TicketFilterSet
from itportal.servicedesk.models import Ticket
from itportal.servicedesk.views_tickets import AGENTS, SEE_TICKET, is_agent, is_requester

# The rule of each action (others: anyone who may see tickets; rows by scope)
RULES = {"partial_update": AGENTS, "fulfil": AGENTS}


class TicketViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Tickets the caller may see: agents all, requesters their own, IT coordinators and
    managers their units'. POST opens a ticket; PATCH {version, group, agent, status, note}
    assigns and changes the status (agents); reply, approve, reject and fulfil are POST
    actions; entries lists the conversation (requesters: the public replies)."""

    model = Ticket
    access_rule = SEE_TICKET
    permission_classes = [RestrictedPermission]
    serializer_class = s.TicketSerializer
    filterset_class = TicketFilterSet
    ordering_fields = ("opened_at", "priority", "status", "number", "resolution_due")

    def initial(self, request, *args, **kwargs):
        self.access_rule = RULES.get(self.action, SEE_TICKET)
        super().initial(request, *args, **kwargs)

    def get_queryset(self):
        return (
            Ticket.objects.restrict(self.request.user, "view")
            .select_related(*selectors.LIST_RELATED)
            .order_by("-opened_at", "-id")
        )

    def _done(self, ticket, code=status.HTTP_200_OK):
        ticket = self.get_queryset().get(pk=ticket.pk)
        return Response(s.TicketSerializer(ticket).data, status=code)

    @extend_schema(request=s.TicketCreateSerializer, responses={201: s.TicketSerializer})
    def create(self, request, *args, **kwargs):
        form = s.TicketCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        user = request.user
        agent = is_agent(user)
        if not agent:
            own = selectors.person_of(user)
            if own is None:
                raise ValidationError(
                    {"requester": [_("Your login is not linked to a person; ask the desk.")]}
                )
            if data["requester"] not in (None, own):
                raise PermissionDenied(_("You open tickets for yourself only."))
            data.update(requester=own, impact=Level.LOW, group=None)
        elif data["requester"] is None:
            raise ValidationError({"requester": [_("Say whom the ticket is for.")]})
        ticket = services.open_ticket(actor=user, channel=Channel.API, **data)
        return self._done(ticket, status.HTTP_201_CREATED)

    @extend_schema(request=s.TicketPatchSerializer, responses=s.TicketSerializer)
    def partial_update(self, request, *args, **kwargs):
        form = s.TicketPatchSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        ticket = self.get_object()
        version = data["version"]
        with transaction.atomic():
            if "group" in data or "agent" in data:
                services.assign(
                    ticket,
                    group=data.get("group", ticket.group),
                    agent=data.get("agent", ticket.agent),
                    actor=request.user,
                    expected_version=version,
                )
                version = None
            if "status" in data:
                services.change_status(
                    ticket,
                    data["status"],
                    actor=request.user,
                    note=data["note"],
                    expected_version=version,
                )
        return self._done(ticket)

    @extend_schema(request=s.ReplySerializer, responses={201: s.EntrySerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None, **kwargs):
        form = s.ReplySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        ticket = self.get_object()
        user = request.user
        agent = is_agent(user)
        if not (agent or is_requester(user, ticket)):
            raise PermissionDenied(_("Only the requester and the desk write on this ticket."))
        public = form.validated_data["public"] or not agent
        entry = services.reply(
            ticket,
            body=form.validated_data["body"],
            actor=user,
            public=public,
            channel=Channel.API,
        )
        return Response(s.EntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, approve):
        form = s.DecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        ticket = self.get_object()
        services.decide_request(
            ticket,
            actor=request.user,
            approve=approve,
            reason=form.validated_data["reason"],
            expected_version=form.validated_data.get("version"),
        )
        return self._done(ticket)

    @extend_schema(request=s.DecisionSerializer, responses=s.TicketSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None, **kwargs):
        return self._decide(request, True)

    @extend_schema(request=s.DecisionSerializer, responses=s.TicketSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None, **kwargs):
        return self._decide(request, False)

    @extend_schema(request=s.FulfilSerializer, responses=s.TicketSerializer)
    @action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None, **kwargs):
        form = s.FulfilSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        ticket = self.get_object()
        services.fulfil_request(
            ticket,
            actor=request.user,
            start=form.validated_data["start"],
            expected_version=form.validated_data["version"],
        )
        return self._done(ticket)

    @extend_schema(responses=s.EntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def entries(self, request, pk=None, **kwargs):
        ticket = self.get_object()
        entries = ticket.entries.order_by("created", "id")
        if not is_agent(request.user):
            entries = entries.filter(kind=EntryKind.REPLY)
        return Response(s.EntrySerializer(entries, many=True).data)
