"""The transition simulation, the cost KPIs, benchmarking with peers and the year figures.

Views stay thin: the numbers come from chargeback.simulation, chargeback.kpis and
chargeback.benchmark; the charts from chargeback.charts.
"""

import base64
import json
import re
import uuid

import django_tables2 as tables
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itportal.catalogue import services
from itportal.catalogue.models import FINANCE_ROLES
from itportal.chargeback import benchmark, charts, kpis, simulation
from itportal.chargeback.forms_kpis import (
    PeerImportForm,
    YearFiguresFilterSet,
    YearFiguresForm,
)
from itportal.chargeback.models import PeerValue, YearFigures
from itportal.core.access import ModelAction, Roles
from itportal.core.context import change_context
from itportal.core.dates import FIRST_YEAR, LAST_YEAR, int_param
from itportal.core.exports import dataset, file_response
from itportal.core.import_views import STAGING_DIR, _prune_staged, _staged_file
from itportal.core.permissions import can
from itportal.core.tables import NumberColumn, PortalTable
from itportal.core.views import (
    ObjectCreateView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    PortalView,
)
from itportal.organisation.models import Organisation

MIN_YEAR, MAX_YEAR = FIRST_YEAR, LAST_YEAR
EXPORT_FORMATS = ("csv", "xlsx")
TOKEN = re.compile(r"peers-[0-9a-f]{32}\.json")


def organisations_for(user):
    return Organisation.objects.restrict(user, "view").order_by("name")


def chosen_organisation(request):
    """The organisation of `?organisation=<id>` (404 when not visible), else the default."""
    choices = organisations_for(request.user)
    wanted = request.GET.get("organisation")
    if wanted:
        pk = int_param(wanted)
        found = choices.filter(pk=pk).first() if pk is not None else None
        if found is None:
            raise Http404(_("No such organisation."))
        return found, choices
    return kpis.default_organisation(choices), choices


# --- Transition simulation -------------------------------------------------------------------
SORTS = {
    "difference": ("difference", False),
    "-difference": ("difference", True),
    "today": ("today", False),
    "-today": ("today", True),
}


class SimulationView(PortalView):
    """What each unit pays today (IT fee + services) and if the fee were replaced by services."""

    access_rule = Roles(FINANCE_ROLES)
    template_name = "chargeback/simulation.html"

    def get(self, request):
        organisation, choices = chosen_organisation(request)
        this_year = timezone.localdate().year
        year = int_param(request.GET.get("year"), this_year, MIN_YEAR, MAX_YEAR)
        sort = request.GET.get("sort", "")
        sort = sort if sort in SORTS else ""
        result, error = None, None
        if organisation is not None:
            try:
                result = simulation.simulate(organisation, year)
            except ValidationError as exc:
                error = " ".join(exc.messages)
        export = request.GET.get("export")
        if result is not None and export in EXPORT_FORMATS:
            return self.export(result, export)
        rows = None
        if result is not None and sort:
            key, descending = SORTS[sort]
            rows = result.sorted_rows(key, descending)
        query = {"organisation": organisation.pk if organisation else "", "year": year}
        context = {
            "organisation": organisation,
            "organisations": choices,
            "year": year,
            "years": range(this_year - 3, this_year + 2),
            "result": result,
            "rows": rows,
            "groups": result.groups() if result is not None and not sort else None,
            "sort": sort,
            "error": error,
            "query": urlencode(query),
        }
        return TemplateResponse(request, self.template_name, context)

    def export(self, result, fmt):
        headers = [
            _("Administration"),
            _("Unit"),
            _("Cost centre"),
            _("IT fee today"),
            _("Services today"),
            _("Total today"),
            _("Services only"),
            _("Difference"),
        ]
        rows = [
            [
                r.administration,
                r.name,
                r.cost_centre,
                r.fee,
                r.services,
                r.today,
                r.scenario,
                r.difference,
            ]
            for r in result.rows
        ]
        rows.append(
            [
                _("Total"),
                "",
                "",
                result.fee,
                result.services,
                result.today,
                result.scenario,
                result.difference,
            ]
        )
        name = f"simulation-{result.organisation.pk}-{result.year}"
        return file_response(dataset(headers, rows), fmt, name)


# --- Cost KPIs -------------------------------------------------------------------------------
def _kpi_chart(report, kpi):
    years = [y.year for y in report.years]
    if not years:
        return ""
    if kpi.code == "ITK001":
        series = [
            (_("Keep running"), charts.PRIMARY, [y.keep_running for y in report.years]),
            (_("Development"), charts.SECONDARY, [y.development for y in report.years]),
        ]
    else:
        series = [(str(kpi.label), charts.PRIMARY, [kpi.value(y) for y in report.years])]
    values = [kpi.value(y) for y in report.years]
    known = [(y, v) for y, v in zip(years, values, strict=True) if v is not None]
    if known:
        description = _(
            "%(kpi)s (%(unit)s) per year, from %(first_year)s to %(last_year)s: from "
            "%(first)s to %(last)s."
        ) % {
            "kpi": kpi.label,
            "unit": kpi.unit,
            "first_year": known[0][0],
            "last_year": known[-1][0],
            "first": _fmt(known[0][1]),
            "last": _fmt(known[-1][1]),
        }
    else:
        description = _("%(kpi)s: no values yet.") % {"kpi": kpi.label}
    if kpi.code == "ITK001":
        description += " " + _("Each bar is split into keep running (bottom) and development.")
    return charts.year_bars(
        title=str(kpi.label),
        description=description,
        years=years,
        series=series,
        decimals=0 if kpi.code == "ITK001" else 2,
    )


def _fmt(value):
    from itportal.core.display import number

    return number(value, 2)


class KpiView(PortalView):
    """The cost KPIs of an organisation per year, with a chart and the per-service breakdown."""

    access_rule = ModelAction(YearFigures, "view")
    template_name = "chargeback/kpis.html"

    def get(self, request):
        organisation, choices = chosen_organisation(request)
        chosen = request.GET.get("chart")
        kpi = kpis.KPIS_BY_CODE.get(chosen) or kpis.KPIS[0]
        report = kpis.cost_report(organisation) if organisation is not None else None
        years = report.years if report is not None else []
        table = [(k, [(y, k.value(y)) for y in years]) for k in kpis.KPIS]
        missing_figures = [y.year for y in years if not y.has_figures]
        service_rows = [
            (row, [row.amounts.get(y.year) for y in years])
            for row in (report.services if report is not None else [])
        ]
        context = {
            "organisation": organisation,
            "organisations": choices,
            "report": report,
            "years": years,
            "table": table,
            "kpis": kpis.KPIS,
            "chart_kpi": kpi,
            "chart": _kpi_chart(report, kpi) if report is not None else "",
            "missing_figures": missing_figures,
            "service_rows": service_rows,
            "can_edit_figures": can(request.user, YearFigures, "add"),
            "export_url": reverse("chargeback:kpi_export")
            + (f"?organisation={organisation.pk}" if organisation else ""),
        }
        return TemplateResponse(request, self.template_name, context)


class KpiExport(PortalView):
    """Our KPIs as JSON in the exchange format (docs/kpi-exchange.md), as a download."""

    access_rule = ModelAction(YearFigures, "view")

    def get(self, request):
        organisation, _choices = chosen_organisation(request)
        if organisation is None:
            raise Http404(_("No organisation to export."))
        document = kpis.exchange_document(organisation)
        response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = (
            f'attachment; filename="{kpis.exchange_filename(organisation)}"'
        )
        return response


# --- Benchmarking ----------------------------------------------------------------------------
class BenchmarkView(PortalView):
    """Our value of one KPI and year among the peers' values."""

    access_rule = ModelAction(PeerValue, "view")
    template_name = "chargeback/benchmark.html"

    def get(self, request):
        organisation, choices = chosen_organisation(request)
        code = request.GET.get("kpi")
        kpi = kpis.KPIS_BY_CODE.get(code) or kpis.KPIS_BY_CODE["ITK002"]
        report = kpis.cost_report(organisation) if organisation is not None else None
        our_years = [y.year for y in report.years] if report is not None else []
        peer_years = benchmark.peer_years(kpi.code)
        years = sorted(set(our_years) | set(peer_years), reverse=True)
        default_year = max(peer_years) if peer_years else (max(our_years) if our_years else None)
        year = int_param(request.GET.get("year"), default_year, MIN_YEAR, MAX_YEAR)
        found = chart = None
        rows = []
        if organisation is not None and year is not None:
            found = benchmark.position(organisation, kpi.code, year, report)
            ours = _("%(name)s (us)") % {"name": organisation.name}
            rows = sorted(
                [(name, code, value, False) for code, name, value in found.peers]
                + (
                    [(ours, found.municipality, found.ours, True)] if found.ours is not None else []
                ),
                key=lambda r: (r[2], not r[3], r[0]),
            )
            chart = charts.ranked_bars(
                title=_("%(kpi)s %(year)s: us among the peers") % {"kpi": kpi.label, "year": year},
                description=self.describe(found, organisation),
                rows=found.chart_rows(organisation.name),
                decimals=2,
            )
        context = {
            "organisation": organisation,
            "organisations": choices,
            "kpi": kpi,
            "kpis": kpis.KPIS,
            "year": year,
            "years": years,
            "position": found,
            "rows": rows,
            "chart": chart,
            "can_import": can(request.user, PeerValue, "import"),
        }
        return TemplateResponse(request, self.template_name, context)

    @staticmethod
    def describe(found, organisation):
        if not found.peers:
            return _("No peer values for %(kpi)s in %(year)s.") % {
                "kpi": found.kpi.label,
                "year": found.year,
            }
        if found.ours is None:
            return _(
                "%(count)s peers; %(name)s has no value for %(year)s. Peer median %(median)s."
            ) % {
                "count": len(found.peers),
                "name": organisation.name,
                "year": found.year,
                "median": _fmt(found.median),
            }
        return _(
            "%(name)s: %(ours)s, rank %(rank)s of %(compared)s from the lowest; %(percentile)s %% "
            "of the %(count)s peers have a lower value. Peer median %(median)s, lowest "
            "%(minimum)s, highest %(maximum)s."
        ) % {
            "name": organisation.name,
            "ours": _fmt(found.ours),
            "rank": found.rank,
            "compared": found.compared,
            "percentile": _fmt(found.percentile),
            "count": len(found.peers),
            "median": _fmt(found.median),
            "minimum": _fmt(found.minimum),
            "maximum": _fmt(found.maximum),
        }


class PeerImportView(PortalView):
    """Upload peers' KPI files → dry run report → confirm → all-or-nothing import."""

    access_rule = ModelAction(PeerValue, "import")
    template_name = "chargeback/peer_import.html"

    def render(self, form, *, result=None, file_errors=(), token="", status=200):
        context = {
            "form": form,
            "result": result,
            "file_errors": file_errors,
            "token": token,
            "import_url": reverse("chargeback:peer_import"),
            "kpis": kpis.KPIS,
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request):
        return self.render(PeerImportForm())

    def post(self, request):
        token = request.POST.get("token", "")
        if token:
            return self.confirm(token)
        form = PeerImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=400)
        files = [(f.name, f.read()) for f in form.cleaned_data["files"]]
        dry_run = form.cleaned_data["dry_run"]
        try:
            result = self.run(files, dry_run=dry_run)
        except benchmark.PeerFileError as exc:
            return self.render(form, file_errors=exc.messages, status=422)
        token = self.stage(files) if dry_run else ""
        return self.finish(form, result, token)

    def confirm(self, token):
        path = _staged_file(token) if TOKEN.fullmatch(token) else None
        if path is None:
            messages.error(self.request, _("The checked files have expired; upload them again."))
            return HttpResponseRedirect(reverse("chargeback:peer_import"))
        with default_storage.open(path, "rb") as staged:
            bundle = json.loads(staged.read().decode("utf-8"))
        files = [(name, base64.b64decode(data)) for name, data in bundle]
        try:
            result = self.run(files, dry_run=False)
        except benchmark.PeerFileError as exc:
            return self.render(PeerImportForm(), file_errors=exc.messages, status=422)
        default_storage.delete(path)
        return self.finish(PeerImportForm(), result, "")

    def run(self, files, *, dry_run):
        with change_context(request_id=getattr(self.request, "id", None), source="import"):
            return benchmark.import_peer_files(files, actor=self.request.user, dry_run=dry_run)

    def stage(self, files):
        _prune_staged()
        bundle = [(name, base64.b64encode(data).decode("ascii")) for name, data in files]
        name = default_storage.save(
            f"{STAGING_DIR}/peers-{uuid.uuid4().hex}.json",
            ContentFile(json.dumps(bundle).encode("utf-8")),
        )
        return name.rsplit("/", 1)[-1]

    def finish(self, form, result, token):
        if result.committed:
            messages.success(
                self.request,
                _("Imported: %(new)s new, %(replace)s replaced, %(unchanged)s unchanged.")
                % result.summary,
            )
        return self.render(form, result=result, token=token)


# --- Year figures ----------------------------------------------------------------------------
class YearFiguresTable(PortalTable):
    organisation = tables.Column(linkify=lambda record: record.get_absolute_url())
    year = tables.Column()
    operating_cost = NumberColumn(decimals=0)
    other_it_cost = NumberColumn(decimals=0)
    development_cost = NumberColumn(decimals=0)
    inhabitants = NumberColumn()
    actions = tables.Column(
        verbose_name=gettext_lazy("Actions"), accessor="pk", orderable=False, empty_values=()
    )

    class Meta(PortalTable.Meta):
        model = YearFigures
        fields = (
            "organisation",
            "year",
            "operating_cost",
            "other_it_cost",
            "development_cost",
            "inhabitants",
            "note",
        )

    default_columns = (
        "organisation",
        "year",
        "operating_cost",
        "other_it_cost",
        "development_cost",
        "inhabitants",
        "actions",
    )

    def render_actions(self, record):
        user = getattr(getattr(self, "request", None), "user", None)
        links = []
        if can(user, YearFigures, "change"):
            links.append((reverse("chargeback:yearfigures_edit", args=[record.pk]), _("Edit")))
        if can(user, YearFigures, "delete"):
            links.append((reverse("chargeback:yearfigures_delete", args=[record.pk]), _("Delete")))
        return format_html_join(
            " · ",
            '<a href="{}">{}<span class="visually-hidden"> {}</span></a>',
            ((url, label, str(record)) for url, label in links),
        )


class YearFiguresList(ObjectListView):
    model = YearFigures
    table_class = YearFiguresTable
    filterset_class = YearFiguresFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")

    def extra_links(self):
        return [(reverse("chargeback:kpis"), _("Cost KPIs"))]


class YearFiguresCreate(ObjectCreateView):
    model = YearFigures
    form_class = YearFiguresForm
    create_service = staticmethod(services.record_create)
    update_service = staticmethod(services.record_update)

    def initial(self):
        initial = super().initial()
        initial.setdefault("year", timezone.localdate().year - 1)
        return initial


class YearFiguresEdit(ObjectEditView):
    model = YearFigures
    form_class = YearFiguresForm
    create_service = staticmethod(services.record_create)
    update_service = staticmethod(services.record_update)


class YearFiguresDelete(ObjectDeleteView):
    model = YearFigures
    delete_service = staticmethod(services.record_delete)
