"""Change pages: list, detail (impact, approvals, conflicts, history), create and edit (drafts),
the steps (submit, approve, reject, implement, cancel: POST with `_version`), the change
calendar (a page and an iCalendar feed) and blackout periods."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from itportal.core.access import LoggedIn, ModelAction
from itportal.core.dates import FIRST_YEAR, LAST_YEAR
from itportal.core.display import describe_changes
from itportal.core.permissions import can, holds_globally
from itportal.core.views import (
    ObjectCreateView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    PortalView,
    history_for,
)
from itportal.registry import graph as registry_graph
from itportal.servicedesk import changes, ical
from itportal.servicedesk.filtersets_changes import BlackoutFilterSet, ChangeFilterSet
from itportal.servicedesk.forms_changes import BlackoutForm, ChangeForm, ImplementForm
from itportal.servicedesk.models import (
    Blackout,
    Change,
    ChangeKind,
    ChangeStatus,
)
from itportal.servicedesk.tables_changes import BlackoutTable, ChangeTable
from itportal.servicedesk.views_feed import CALENDAR_READERS, feed_context, ics_response

CHANGE_STAFF = ModelAction(Change, "change")
IMPACT_ROWS = 50  # rows per impact table on the change page, unless ?impact=all


def calendar_links():
    return [
        (reverse("servicedesk:change_calendar"), _("Change calendar")),
        (reverse("servicedesk:blackout_list"), _("Blackout periods")),
    ]


def allowed_steps(user, change):
    """The steps the user may take on the change now (approve/reject: see `pending`)."""
    staff = can(user, Change, "change")
    status = change.status
    emergency = change.kind == ChangeKind.EMERGENCY
    return {
        "edit": staff and status == ChangeStatus.DRAFT,
        "delete": can(user, Change, "delete") and status == ChangeStatus.DRAFT,
        "submit": staff and status == ChangeStatus.DRAFT,
        "implement": staff
        and (status == ChangeStatus.APPROVED or (emergency and status == ChangeStatus.SUBMITTED)),
        "cancel": staff and status in changes.OPEN,
    }


# --- Changes ---------------------------------------------------------------------------------
class ChangeList(ObjectListView):
    """Staff see every change; approvers (system owners, board members) the ones they are
    asked about; the requester their own."""

    model = Change
    table_class = ChangeTable
    filterset_class = ChangeFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("requested_by").prefetch_related("systems")

    def extra_links(self):
        return calendar_links()


class ChangeDetail(ObjectDetailView):
    model = Change
    template_name = "servicedesk/change_detail.html"
    select_related = ("requested_by",)
    detail_fields = (
        "kind",
        "status",
        "risk",
        "requested_by",
        "planned_start",
        "planned_end",
        "submitted_at",
        "implemented_at",
        "description",
        "backout_plan",
        "result",
    )

    def get(self, request, *args, **kwargs):
        change = self.get_object()
        user = request.user
        graph = registry_graph.load_graph()
        result = changes.impact(change, graph=graph)
        names = {system.id: system.name for system in result.systems}
        approvals = list(
            change.approvals.select_related(
                "approver", "person__user", "board", "decided_by"
            ).prefetch_related("board__members")
        )
        pending = [a for a in approvals if a.pending and changes.may_decide(user, a, change)]
        preview = []
        if change.status == ChangeStatus.DRAFT:
            preview = changes.derive_approvals(change, graph=graph)
        # A change on the register's hubs reaches most of it: the page lists the first rows
        # of each table, and everything on request (?impact=all).
        rows = None if request.GET.get("impact") == "all" else IMPACT_ROWS
        indirect = [s for s in result.systems if not s.direct]
        context = self.base_context(
            object=change,
            change=change,
            field_rows=self.field_rows(change),
            systems=list(change.systems.all()),
            impact=result,
            indirect=[(s, names.get(s.via, "")) for s in indirect[:rows]],
            people=[
                (holder, "; ".join(f"{role} – {names.get(pk, '')}" for pk, role in holder.roles))
                for holder in result.people[:rows]
            ],
            unit_systems=[
                (unit, ", ".join(names[pk] for pk in unit.systems if pk in names))
                for unit in result.units[:rows]
            ],
            impact_cut=rows is not None
            and max(len(indirect), len(result.people), len(result.units)) > rows,
            impact_rows=rows,
            impact_all_url=f"{request.path}?impact=all#impact",
            approvals=approvals,
            pending=pending,
            pending_ids={a.pk for a in pending},
            approval_summary=changes.approval_summary(change, approvals),
            preview=preview,
            conflicts=changes.conflicts(change, graph=graph),
            steps=allowed_steps(user, change),
            implement_form=ImplementForm(),
            history=describe_changes(list(history_for(change)), Change),
            edit_url=reverse("servicedesk:change_edit", args=[change.pk]),
            delete_url=reverse("servicedesk:change_delete", args=[change.pk]),
            calendar_url=reverse("servicedesk:change_calendar"),
        )
        return TemplateResponse(request, self.template_name, context)


def warn_conflicts(request, change):
    for conflict in changes.conflicts(change):
        messages.warning(request, conflict.message)


class ChangeCreate(ObjectCreateView):
    model = Change
    form_class = ChangeForm
    create_service = staticmethod(changes.create_change)

    def save(self, form, obj):
        saved = super().save(form, obj)
        warn_conflicts(self.request, saved)
        return saved


class ChangeEdit(ObjectEditView):
    model = Change
    form_class = ChangeForm
    update_service = staticmethod(changes.update_change)

    def save(self, form, obj):
        saved = super().save(form, obj)
        warn_conflicts(self.request, saved)
        return saved


class ChangeDelete(ObjectDeleteView):
    model = Change
    delete_service = staticmethod(changes.delete_change)


# --- Steps (POST with _version) --------------------------------------------------------------
class ChangeStep(PortalView):
    """POST with the version the user saw; each step's `act(change, version)` calls its
    service (the base class is not routed)."""

    model = Change
    access_rule = CHANGE_STAFF
    http_method_names = ["post"]
    done = None

    def post(self, request, pk):
        change = get_object_or_404(Change.objects.restrict(request.user, "view"), pk=pk)
        version = request.POST.get("_version", "")
        if not (version.isascii() and version.isdigit()):
            messages.error(request, _("The form is missing its version; reload the page."))
            return HttpResponseRedirect(change.get_absolute_url())
        try:
            self.act(change, int(version))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not do that."))
        else:
            messages.success(request, str(self.done) % {"change": change.number})
        return HttpResponseRedirect(change.get_absolute_url())


class ChangeSubmit(ChangeStep):
    done = gettext_lazy("%(change)s was submitted.")

    def act(self, change, version):
        changes.submit(change, actor=self.request.user, expected_version=version)
        if change.status == ChangeStatus.APPROVED:
            self.done = gettext_lazy("%(change)s is a standard change and was approved.")
        warn_conflicts(self.request, change)


class ChangeDecide(ChangeStep):
    """Approvers need no staff role: any login may post; the service decides who may."""

    access_rule = LoggedIn()
    approve = True

    def act(self, change, version):
        approval = None
        chosen = self.request.POST.get("approval", "")
        if chosen.isascii() and chosen.isdigit():
            approval = get_object_or_404(change.approvals.all(), pk=int(chosen))
        changes.decide(
            change,
            actor=self.request.user,
            approve=self.approve,
            comment=self.request.POST.get("comment", ""),
            approval=approval,
            expected_version=version,
        )


class ChangeApprove(ChangeDecide):
    done = gettext_lazy("You approved %(change)s.")


class ChangeReject(ChangeDecide):
    approve = False
    done = gettext_lazy("You rejected %(change)s.")


class ChangeImplement(ChangeStep):
    done = gettext_lazy("The implementation of %(change)s was recorded.")

    def act(self, change, version):
        form = ImplementForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        changes.implement(
            change,
            actor=self.request.user,
            success=form.cleaned_data["success"],
            result=form.cleaned_data["result"],
            expected_version=version,
        )


class ChangeCancel(ChangeStep):
    done = gettext_lazy("%(change)s was cancelled.")

    def act(self, change, version):
        changes.cancel(
            change,
            actor=self.request.user,
            reason=self.request.POST.get("reason", ""),
            expected_version=version,
        )


# --- Change calendar -------------------------------------------------------------------------
MONTHS_SHOWN = 3


def _month_start(text):
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        if not FIRST_YEAR <= year <= LAST_YEAR - 1:  # three months on must exist too
            raise ValueError(year)
        return datetime.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _aware(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class ChangeCalendar(PortalView):
    """The planned changes and blackout periods of three months, month by month; anyone
    logged in may read it (it is also the iCalendar feed)."""

    access_rule = CALENDAR_READERS
    template_name = "servicedesk/change_calendar.html"

    def get(self, request):
        first = _month_start(request.GET.get("month"))
        start, end = _aware(first), _aware(_add_months(first, MONTHS_SHOWN))
        planned = list(
            ical.feed_changes().filter(
                status__in=ical.PUBLISHED, planned_start__lt=end, planned_end__gt=start
            )
        )
        blackouts = list(ical.feed_blackouts().filter(start__lt=end, end__gt=start))
        months = []
        for offset in range(MONTHS_SHOWN):
            day = _add_months(first, offset)
            m_start, m_end = _aware(day), _aware(_add_months(day, 1))
            entries = [
                ("change", c.planned_start, c.planned_end, c)
                for c in planned
                if c.planned_start < m_end and c.planned_end > m_start
            ] + [
                ("blackout", b.start, b.end, b)
                for b in blackouts
                if b.start < m_end and b.end > m_start
            ]
            entries.sort(key=lambda entry: (entry[1], entry[0]))
            label = f"{MONTHS[day.month]} {day.year}"
            months.append((label, entries))
        context = {
            "months": months,
            "link_changes": holds_globally(request.user, Change, "view"),
            "previous": _add_months(first, -1).strftime("%Y-%m"),
            "next": _add_months(first, 1).strftime("%Y-%m"),
            "ics_url": reverse("servicedesk:change_calendar_ics"),
            **feed_context(request),
            "list_url": reverse("servicedesk:change_list"),
            "blackouts_url": reverse("servicedesk:blackout_list"),
        }
        response = TemplateResponse(request, self.template_name, context)
        if context["new_feed_url"]:  # the secret address, shown once: kept in no cache
            add_never_cache_headers(response)
        return response


class ChangeCalendarIcs(PortalView):
    """The change calendar as iCalendar for Outlook and Thunderbird. It follows the portal's
    login (session); a calendar client that cannot log in subscribes to the user's token
    address instead (views_feed.ChangeCalendarFeed), which serves the same body."""

    access_rule = CALENDAR_READERS

    def get(self, request):
        return ics_response(request)


# --- Blackout periods ------------------------------------------------------------------------
class BlackoutList(ObjectListView):
    model = Blackout
    table_class = BlackoutTable
    filterset_class = BlackoutFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("systems")

    def extra_links(self):
        return [
            (reverse("servicedesk:change_calendar"), _("Change calendar")),
            (reverse("servicedesk:change_list"), pgettext("change management", "Changes")),
        ]


class BlackoutDetail(ObjectDetailView):
    model = Blackout
    template_name = "servicedesk/change_blackout_detail.html"
    detail_fields = ("start", "end", "description")

    def get_extra_context(self, obj):
        return {"systems": list(obj.systems.all())}


class BlackoutCreate(ObjectCreateView):
    model = Blackout
    form_class = BlackoutForm
    create_service = staticmethod(changes.create_blackout)


class BlackoutEdit(ObjectEditView):
    model = Blackout
    form_class = BlackoutForm
    update_service = staticmethod(changes.update_blackout)


class BlackoutDelete(ObjectDeleteView):
    model = Blackout
    delete_service = staticmethod(changes.delete_blackout)
