"""Chargeback run pages: list, compute, detail with totals per unit, lines, the state changes
(approve, reopen, close, delete, recompute), exports and adjustments of closed lines.

Finance roles (IT staff, controllers, IT administrators) see whole runs. Coordinators, managers
and controllers of units see the runs of their organisation but only their units' lines, and
totals summed from those lines.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    Sum,
)
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tables2 import RequestConfig

from itportal.catalogue.models import FINANCE_ROLES
from itportal.chargeback import exports, services
from itportal.chargeback.filtersets import LineFilterSet, RunFilterSet
from itportal.chargeback.forms import AdjustmentForm, RunComputeForm
from itportal.chargeback.grouping import StoredGroups, grouped
from itportal.chargeback.models import (
    CONTROLLERS,
    Adjustment,
    ChargebackLine,
    ChargebackRun,
    RunState,
)
from itportal.chargeback.selectors import sees_all_lines, visible_lines, with_shown_totals
from itportal.chargeback.tables import LineTable, RunTable, adjust_column
from itportal.core.access import ModelAction, Roles
from itportal.core.display import describe_changes
from itportal.core.exports import table_response
from itportal.core.services import StaleObjectError
from itportal.core.views import (
    EXPORT_FORMATS,
    PER_PAGE_CHOICES,
    ObjectListView,
    PortalView,
    history_for,
)

FINANCE = Roles(FINANCE_ROLES)  # compute, recompute, delete
CONTROL = Roles(CONTROLLERS)  # approve, reopen, close, adjust
VIEW_RUN = ModelAction(ChargebackRun, "view")
ZERO = Decimal(0)


def allowed_actions(user, run):
    """The state changes the user may make on the run now."""
    finance, control = FINANCE.allows(user), CONTROL.allows(user)
    return {
        "recompute": finance and run.state == RunState.DRAFT,
        "delete": finance and run.state == RunState.DRAFT,
        "approve": control and run.state == RunState.DRAFT,
        "reopen": control and run.state == RunState.APPROVED,
        "close": control and run.state == RunState.APPROVED,
    }


# --- List and compute ------------------------------------------------------------------------
class RunList(ObjectListView):
    model = ChargebackRun
    table_class = RunTable
    filterset_class = RunFilterSet
    add_view_exists = False

    def list_url(self):
        return reverse("chargeback:run_list")

    def get_queryset(self):
        runs = super().get_queryset().select_related("organisation")
        return with_shown_totals(runs, self.request.user)

    def extra_links(self):
        if FINANCE.allows(self.request.user):
            return [(reverse("chargeback:run_compute"), _("Compute a run"))]
        return []


class RunCompute(PortalView):
    access_rule = FINANCE
    template_name = "chargeback/run_compute.html"

    def render(self, form, status=200):
        return TemplateResponse(self.request, self.template_name, {"form": form}, status=status)

    def get(self, request):
        initial = {k: request.GET[k] for k in ("organisation", "period") if k in request.GET}
        return self.render(RunComputeForm(initial=initial))

    def post(self, request):
        form = RunComputeForm(request.POST)
        if form.is_valid():
            try:
                run = services.compute_run(
                    form.cleaned_data["organisation"],
                    form.cleaned_data["period"],
                    actor=request.user,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("%(run)s computed: %(lines)s lines, %(total)s.")
                    % {
                        "run": run,
                        "lines": run.line_count,
                        "total": exports.kronor(run.total),
                    },
                )
                return HttpResponseRedirect(run.get_absolute_url())
        return self.render(form)


# --- Detail ----------------------------------------------------------------------------------
class RunView(PortalView):
    """A page about one run the user may see (`pk` is the run)."""

    model = ChargebackRun
    access_rule = VIEW_RUN

    def get_run(self):
        runs = ChargebackRun.objects.restrict(self.request.user, "view").select_related(
            "organisation", "approved_by", "closed_by"
        )
        return get_object_or_404(runs, pk=self.kwargs["pk"])


def unit_totals(run, lines):
    """[(group, [unit rows], subtotal)] of the lines' sums per unit, grouped by invoice group
    (as stored on the lines when the run was computed)."""
    rows = list(
        lines.order_by()
        .values(
            "unit_id",
            "cost_centre",
            "unit_name",
            "group_key",
            "group_name",
            "group_cost_centre",
            "group_is_company",
        )
        .annotate(amount=Sum("amount"), vat=Sum("vat"), count=Count("pk"))
        .order_by("cost_centre", "unit_id")
    )
    groups = StoredGroups(rows)
    units = []
    for row in rows:
        unit = groups.unit(row["unit_id"])
        row["name"] = unit.name if unit else f"#{row['unit_id']}"
        row["total"] = row["amount"] + row["vat"]
        row["url"] = reverse("chargeback:run_lines", args=[run.pk]) + f"?unit={row['unit_id']}"
        units.append(row)
    out = []
    for group, members in grouped(groups, units, unit_id=lambda row: row["unit_id"]):
        subtotal = {
            "amount": sum((r["amount"] for r in members), ZERO),
            "vat": sum((r["vat"] for r in members), ZERO),
            "count": sum(r["count"] for r in members),
        }
        subtotal["total"] = subtotal["amount"] + subtotal["vat"]
        out.append((group, members, subtotal))
    return out


class RunDetail(RunView):
    template_name = "chargeback/run_detail.html"

    def get(self, request, pk):
        run = self.get_run()
        user = request.user
        lines = visible_lines(user, run)
        by_group = unit_totals(run, lines)
        whole = sees_all_lines(user)
        if whole:
            totals = {
                "count": run.line_count,
                "amount": run.total_amount,
                "vat": run.total_vat,
            }
        else:
            totals = {
                "count": sum(sub["count"] for _g, _r, sub in by_group),
                "amount": sum((sub["amount"] for _g, _r, sub in by_group), ZERO),
                "vat": sum((sub["vat"] for _g, _r, sub in by_group), ZERO),
            }
        totals["total"] = totals["amount"] + totals["vat"]
        adjustments = Adjustment.objects.restrict(user, "view")
        context = {
            "object": run,
            "run": run,
            "opts": ChargebackRun._meta,
            "list_url": reverse("chargeback:run_list"),
            "whole_run": whole,
            "groups": by_group,
            "totals": totals,
            "booked": adjustments.filter(booked_in=run).select_related("original__run"),
            "corrections": adjustments.filter(original__run=run).select_related("booked_in"),
            "actions": allowed_actions(user, run),
            "can_adjust": CONTROL.allows(user) and run.state == RunState.CLOSED,
            "export_formats": exports.FORMATS,
            # the history holds the whole run's totals: for those who see the whole run
            "history": describe_changes(list(history_for(run)), ChargebackRun) if whole else (),
            "show_history": whole,
        }
        return TemplateResponse(request, self.template_name, context)


class RunLines(RunView):
    template_name = "chargeback/run_lines.html"

    def per_page(self):
        try:
            value = int(self.request.GET.get("per_page", 50))
        except ValueError:
            value = 50
        return value if value in PER_PAGE_CHOICES else 50

    def get(self, request, pk):
        run = self.get_run()
        lines = visible_lines(request.user, run).select_related("unit", "service")
        filterset = LineFilterSet(request.GET or None, queryset=lines, request=request, run=run)
        if filterset.is_bound:
            lines = filterset.qs if filterset.is_valid() else lines.none()
        export = request.GET.get("export")
        if export in EXPORT_FORMATS:
            table = LineTable(lines)
            RequestConfig(request, paginate=False).configure(table)
            return table_response(table, export, f"lines-{run.period_label}")
        extra = []
        if CONTROL.allows(request.user) and run.state == RunState.CLOSED:
            extra.append(("adjust", adjust_column()))
        table = LineTable(lines, extra_columns=extra)
        RequestConfig(request, paginate={"per_page": self.per_page()}).configure(table)
        context = {
            "run": run,
            "object": run,
            "table": table,
            "filterset": filterset,
            "list_url": reverse("chargeback:run_lines", args=[run.pk]),
            "export_formats": EXPORT_FORMATS,
            "per_page": self.per_page(),
            "per_page_choices": PER_PAGE_CHOICES,
        }
        template = (
            "core/partials/table_block.html"
            if request.htmx and not request.htmx.boosted
            else self.template_name
        )
        return TemplateResponse(request, template, context)


class RunExport(RunView):
    def get(self, request, pk):
        run = self.get_run()
        fmt = request.GET.get("format", "csv")
        if fmt not in exports.FORMATS:
            return HttpResponseBadRequest(
                _("Unknown format “%(format)s”; choose one of %(formats)s.")
                % {"format": fmt, "formats": ", ".join(exports.FORMATS)}
            )
        body, content_type, name = exports.export_run(run, fmt, user=request.user)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


# --- State changes (POST with _version) ------------------------------------------------------
class RunAction(PortalView):
    """POST with the version the user saw; `service(run, actor=, expected_version=)` acts."""

    model = ChargebackRun
    http_method_names = ["post"]
    done = None  # message on success
    service = None

    def act(self, run, version):
        return type(self).service(run, actor=self.request.user, expected_version=version)

    def success_url(self, run):
        return run.get_absolute_url()

    def post(self, request, pk):
        run = get_object_or_404(ChargebackRun.objects.restrict(request.user, "view"), pk=pk)
        version = request.POST.get("_version", "")
        if not (version.isascii() and version.isdigit()):
            messages.error(request, _("The form is missing its version; reload the page."))
            return HttpResponseRedirect(run.get_absolute_url())
        try:
            result = self.act(run, int(version))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(run.get_absolute_url())
        messages.success(request, str(self.done) % {"run": result})
        return HttpResponseRedirect(self.success_url(result))


class RunApprove(RunAction):
    access_rule = CONTROL
    done = gettext_lazy("%(run)s was approved.")
    service = staticmethod(services.approve_run)


class RunReopen(RunAction):
    access_rule = CONTROL
    done = gettext_lazy("%(run)s was sent back to draft.")
    service = staticmethod(services.reopen_run)


class RunClose(RunAction):
    access_rule = CONTROL
    done = gettext_lazy("%(run)s was closed; it can no longer change.")
    service = staticmethod(services.close_run)


class RunDelete(RunAction):
    access_rule = FINANCE
    done = gettext_lazy("%(run)s was deleted.")
    service = staticmethod(services.delete_run)

    def success_url(self, run):
        return reverse("chargeback:run_list")


def recompute(run, *, actor, expected_version):
    """Recompute a draft run, refusing a stale page (the version the user saw)."""
    if run.version != expected_version:
        run.version = expected_version
        raise StaleObjectError(run)
    return services.compute_run(run.organisation, run.period_label, actor=actor)


class RunRecompute(RunAction):
    access_rule = FINANCE
    done = gettext_lazy("%(run)s was recomputed.")
    service = staticmethod(recompute)


# --- Adjustments -----------------------------------------------------------------------------
class AdjustmentAdd(PortalView):
    """Correct a line of a closed run; the adjustment is booked in the next run."""

    model = ChargebackLine
    access_rule = CONTROL
    template_name = "chargeback/run_adjustment_add.html"

    def get_line(self):
        lines = ChargebackLine.objects.restrict(self.request.user, "view").select_related(
            "run__organisation", "unit"
        )
        return get_object_or_404(lines, pk=self.kwargs["pk"])

    def render(self, form, line):
        context = {"form": form, "line": line, "run": line.run}
        return TemplateResponse(self.request, self.template_name, context)

    def get(self, request, pk):
        return self.render(AdjustmentForm(), self.get_line())

    def post(self, request, pk):
        line = self.get_line()
        form = AdjustmentForm(request.POST)
        if form.is_valid():
            try:
                services.create_adjustment(
                    line,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("The adjustment of %(line)s is booked in the next run.")
                    % {"line": line.description},
                )
                return HttpResponseRedirect(line.run.get_absolute_url())
        return self.render(form, line)
