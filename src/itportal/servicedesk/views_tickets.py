"""Ticket pages: the agents' queue with bulk actions, the ticket page (agents see everything,
requesters and unit coordinators the public part) and the POST actions on one ticket. Every
write goes through servicedesk.services or services_more."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from itportal.core.access import ModelAction, Roles
from itportal.core.display import describe_changes
from itportal.core.roles import STAFF_ROLES
from itportal.core.views import ObjectListView, PortalView, add_errors, history_for
from itportal.servicedesk import forms, kb, saved_filters, selectors, services, services_more
from itportal.servicedesk.choices import Approval, EntryKind, Kind, Status
from itportal.servicedesk.filtersets import OPEN, TicketFilterSet
from itportal.servicedesk.forms_saved import SavedFilterForm
from itportal.servicedesk.models import Attachment, Ticket
from itportal.servicedesk.tables import TicketTable

AGENTS = Roles(STAFF_ROLES)
SEE_TICKET = ModelAction(Ticket, "view")  # requesters, unit roles and agents; rows by scope


def is_agent(user):
    return AGENTS.allows(user)


def is_requester(user, ticket):
    return ticket.requester.user_id is not None and ticket.requester.user_id == user.pk


# --- The queue -------------------------------------------------------------------------------
class TicketList(ObjectListView):
    model = Ticket
    table_class = TicketTable
    filterset_class = TicketFilterSet
    template_name = "servicedesk/queue.html"
    add_view_exists = False

    def list_url(self):
        return reverse("servicedesk:ticket_list")

    def get_queryset(self):
        return super().get_queryset().select_related(*selectors.LIST_RELATED)

    def chosen_columns(self):
        return ["select", *super().chosen_columns()]

    def get(self, request, *args, **kwargs):
        filters = saved_filters.visible_filters(request.user)
        # Without a filter the queue opens with the agent's default filter, else open tickets
        request.GET = saved_filters.with_default(request.GET, request.user, filters)
        if "status" not in request.GET:
            request.GET = request.GET.copy()
            request.GET["status"] = OPEN
        response = super().get(request, *args, **kwargs)
        if hasattr(response, "context_data") and "filterset" in response.context_data:
            # The whole page also for htmx: the saved filters follow the filter (hx-select-oob)
            response.template_name = self.template_name
            response.context_data["bulk_form"] = forms.BulkForm()
            response.context_data.update(
                saved_filters.queue_context(request.user, request.GET, filters),
                save_filter_form=SavedFilterForm(user=request.user, auto_id="save-filter-%s"),
            )
        return response


TicketList.access_rule = AGENTS  # the queue is the agents'; ObjectListView set ModelAction


class TicketBulk(PortalView):
    """Assign and/or change the status of the selected tickets, all or nothing."""

    model = Ticket
    access_rule = AGENTS
    http_method_names = ["post"]

    def post(self, request):
        form = forms.BulkForm(request.POST)
        back = request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("servicedesk:ticket_list")
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(back)
        data = form.cleaned_data
        tickets = services_more.tickets_by_pk(
            data["tickets"], Ticket.objects.restrict(request.user, "change")
        )
        try:
            services_more.bulk_update(
                tickets,
                actor=request.user,
                status=data["status"] or None,
                assign=data["assign"],
                group=data["group"],
                agent=data["agent"],
            )
        except services_more.BulkError as exc:
            messages.error(request, _("Nothing was changed; these tickets were refused:"))
            for line in exc.messages:
                messages.error(request, line)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s ticket was changed: %(numbers)s.",
                    "%(count)s tickets were changed: %(numbers)s.",
                    len(tickets),
                )
                % {"count": len(tickets), "numbers": ", ".join(t.number for t in tickets)},
            )
        return HttpResponseRedirect(back)


# --- One ticket ------------------------------------------------------------------------------
def visible_tickets(user):
    return Ticket.objects.restrict(user, "view").select_related(
        "requester",
        "unit",
        "service",
        "system",
        "group",
        "agent",
        "problem",
        "sla",
        "subscription",
        "approved_by",
    )


class TicketDetail(PortalView):
    model = Ticket
    access_rule = SEE_TICKET
    template_name = "servicedesk/ticket_detail.html"

    def get(self, request, pk):
        ticket = get_object_or_404(visible_tickets(request.user), pk=pk)
        return TemplateResponse(request, self.template_name, ticket_context(request, ticket))


def ticket_context(request, ticket, **forms_given):
    """Everything the ticket page shows; `forms_given` replaces a form with one holding
    errors."""
    user = request.user
    agent = is_agent(user)
    requester = is_requester(user, ticket)
    now = timezone.now()
    entries = ticket.entries.select_related("author")
    if not agent:
        entries = entries.filter(kind=EntryKind.REPLY)
    attachments = ticket.attachments.all()
    context = {
        "ticket": ticket,
        "object": ticket,
        "opts": Ticket._meta,
        "agent": agent,
        "requester": requester,
        "entries": list(entries),
        "attachments": list(attachments),
        "sla_words": selectors.sla_words(ticket, now),
        "may_reply": (agent or requester) and ticket.status != Status.CLOSED,
        "may_decide": (ticket.approval == Approval.PENDING and services.may_approve(user, ticket)),
        "reply_form": forms_given.get("reply_form") or forms.ReplyForm(agent=agent),
        "attachment_form": forms_given.get("attachment_form") or forms.AttachmentForm(),
        "portal_url": reverse("servicedesk:portal"),
        "articles": list(
            kb.articles_for(user, service_id=ticket.service_id, system_id=ticket.system_id)
        ),
    }
    if agent:
        context.update(agent_context(ticket, now, forms_given))
    return context


def agent_context(ticket, now, forms_given):
    known = list(selectors.known_errors_for(ticket))
    problem_initial = {"problem": ticket.problem_id, "_version": ticket.version}
    context = {
        "clocks": selectors.clocks(ticket, now),
        "transitions": forms.allowed_statuses(ticket),
        "assign_form": forms_given.get("assign_form")
        or forms.AssignForm(
            initial={"group": ticket.group_id, "agent": ticket.agent_id, "_version": ticket.version}
        ),
        "known_errors": known,
        "may_fulfil": (
            ticket.kind == Kind.REQUEST
            and ticket.service_id is not None
            and ticket.subscription_id is None
            and ticket.approval in (Approval.APPROVED, Approval.NOT_NEEDED)
            and ticket.is_open
        ),
        "history": describe_changes(list(history_for(ticket)), Ticket),
        "list_url": reverse("servicedesk:ticket_list"),
    }
    if ticket.kind == Kind.PROBLEM:
        context["problem_form"] = forms_given.get("problem_form") or forms.ProblemForm(
            initial={
                "root_cause": ticket.root_cause,
                "workaround": ticket.workaround,
                "known_error": ticket.known_error,
                "_version": ticket.version,
            }
        )
        context["incidents"] = list(
            ticket.incidents.select_related("requester").order_by("-opened_at")[:100]
        )
    else:
        context["problem_link_form"] = forms_given.get(
            "problem_link_form"
        ) or forms.ProblemLinkForm(initial=problem_initial)
    return context


class TicketAction(PortalView):
    """A POST on one ticket the user may see; refusals come back as messages on the page."""

    model = Ticket
    access_rule = SEE_TICKET
    http_method_names = ["post"]
    agents_only = True
    form_name = None  # the context name of the form re-shown with its errors

    def get_ticket(self):
        return get_object_or_404(visible_tickets(self.request.user), pk=self.kwargs["pk"])

    def post(self, request, pk):
        ticket = self.get_ticket()
        if self.agents_only and not is_agent(request.user):
            raise PermissionDenied
        try:
            result = self.act(ticket)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not do that."))
        except ValidationError as exc:
            form = getattr(self, "form", None)
            if form is not None and self.form_name:
                add_errors(form, exc)
                ticket.refresh_from_db()
                context = ticket_context(request, ticket, **{self.form_name: form})
                return TemplateResponse(request, TicketDetail.template_name, context, status=400)
            for message in exc.messages:
                messages.error(request, message)
        else:
            if result:
                messages.success(request, result)
        return HttpResponseRedirect(self.success_url(ticket))

    def success_url(self, ticket):
        return ticket.get_absolute_url()

    def version(self):
        value = self.request.POST.get("_version", "")
        if not (value.isascii() and value.isdigit()):
            raise ValidationError(_("The form is missing its version; reload the page."))
        return int(value)


class TicketStatus(TicketAction):
    def act(self, ticket):
        form = forms.StatusForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose a status; reload the page and try again."))
        status = form.cleaned_data["status"]
        services.change_status(
            ticket,
            status,
            actor=self.request.user,
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["_version"],
        )
        return _("%(ticket)s: %(status)s.") % {
            "ticket": ticket.number,
            "status": Status(status).label,
        }


class TicketAssign(TicketAction):
    form_name = "assign_form"

    def act(self, ticket):
        self.form = form = forms.AssignForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(form.errors.as_data().get("__all__", []) or _("Check the form."))
        data = form.cleaned_data
        services.assign(
            ticket,
            group=data["group"],
            agent=data["agent"],
            actor=self.request.user,
            expected_version=data["_version"],
        )
        return _("%(ticket)s was assigned.") % {"ticket": ticket.number}


class TicketReply(TicketAction):
    """A public reply (requester or agent) or an internal note (agent)."""

    agents_only = False
    form_name = "reply_form"

    def act(self, ticket):
        user = self.request.user
        agent = is_agent(user)
        if not (agent or is_requester(user, ticket)):
            raise PermissionDenied(_("Only the requester and the desk write on this ticket."))
        self.form = form = forms.ReplyForm(self.request.POST, agent=agent)
        if not form.is_valid():
            raise ValidationError(_("Write something."))
        internal = form.cleaned_data.get("internal", False)
        services.reply(
            ticket,
            body=form.cleaned_data["body"],
            actor=user,
            public=not internal,
            channel="agent" if agent else "portal",
        )
        return _("Your note was saved.") if internal else _("Your reply was sent.")


class TicketAttach(TicketAction):
    agents_only = False
    form_name = "attachment_form"

    def act(self, ticket):
        user = self.request.user
        if not (is_agent(user) or is_requester(user, ticket)):
            raise PermissionDenied(_("Only the requester and the desk add files to this ticket."))
        self.form = form = forms.AttachmentForm(self.request.POST, self.request.FILES)
        if not form.is_valid():
            raise ValidationError({"file": _("Choose a file.")})
        attachment = services_more.add_attachment(
            ticket, upload=form.cleaned_data["file"], actor=user
        )
        return _("%(name)s was attached.") % {"name": attachment.name}


class TicketProblem(TicketAction):
    """Link an incident to a problem, or set a problem's root cause and workaround."""

    def act(self, ticket):
        if ticket.kind == Kind.PROBLEM:
            self.form_name = "problem_form"
            self.form = form = forms.ProblemForm(self.request.POST)
            if not form.is_valid():
                raise ValidationError(_("Check the form."))
            data = form.cleaned_data
            services_more.update_problem(
                ticket,
                actor=self.request.user,
                root_cause=data["root_cause"],
                workaround=data["workaround"],
                known_error=data["known_error"],
                expected_version=data["_version"],
            )
            return _("%(ticket)s was saved.") % {"ticket": ticket.number}
        self.form_name = "problem_link_form"
        self.form = form = forms.ProblemLinkForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError({"problem": form.errors.get("problem") or _("Check the form.")})
        services_more.link_problem(
            ticket,
            form.cleaned_data["problem"],
            actor=self.request.user,
            expected_version=form.cleaned_data["_version"],
        )
        return _("%(ticket)s was saved.") % {"ticket": ticket.number}


class TicketFulfil(TicketAction):
    def act(self, ticket):
        services.fulfil_request(ticket, actor=self.request.user, expected_version=self.version())
        ticket.refresh_from_db()
        return _("%(ticket)s was delivered: %(subscription)s.") % {
            "ticket": ticket.number,
            "subscription": ticket.subscription,
        }


class TicketDecide(TicketAction):
    """Approve or reject an order (the unit's IT coordinator or manager)."""

    agents_only = False

    def act(self, ticket):
        form = forms.DecisionForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose to approve or to reject."))
        approve = form.cleaned_data["decision"] == "approve"
        services.decide_request(
            ticket,
            actor=self.request.user,
            approve=approve,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["_version"],
        )
        text = _("%(ticket)s was approved.") if approve else _("%(ticket)s was rejected.")
        return text % {"ticket": ticket.number}

    def success_url(self, ticket):
        back = self.request.POST.get("next", "")
        if back and url_has_allowed_host_and_scheme(back, allowed_hosts={self.request.get_host()}):
            return back
        return super().success_url(ticket)


class AttachmentDownload(PortalView):
    """An attachment's file, to those who may see its ticket."""

    model = Attachment
    access_rule = ModelAction(Attachment, "view")

    def get(self, request, pk):
        attachments = Attachment.objects.restrict(request.user, "view")
        attachment = get_object_or_404(attachments, pk=pk)
        response = FileResponse(
            attachment.file.open("rb"), as_attachment=True, filename=attachment.name
        )
        response["Content-Type"] = attachment.content_type
        response["X-Content-Type-Options"] = "nosniff"
        return response
