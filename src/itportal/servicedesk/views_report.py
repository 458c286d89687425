"""The SLA achievement report page (IT staff): per service, assignment group, month or
priority for a year, with totals and a CSV export. The numbers come from servicedesk.report."""

from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import urlencode

from itportal.catalogue.models import Service
from itportal.core.dates import FIRST_YEAR, LAST_YEAR, int_param
from itportal.core.exports import dataset, file_response
from itportal.core.views import PortalView
from itportal.servicedesk import report
from itportal.servicedesk.models import AssignmentGroup
from itportal.servicedesk.views_tickets import AGENTS

MIN_YEAR, MAX_YEAR = FIRST_YEAR, LAST_YEAR
EXPORT_FORMATS = ("csv", "xlsx")


class SLAReport(PortalView):
    access_rule = AGENTS
    template_name = "servicedesk/sla_report.html"

    def get(self, request):
        this_year = timezone.localdate().year
        year = int_param(request.GET.get("year"), this_year, MIN_YEAR, MAX_YEAR)
        by = request.GET.get("by")
        by = by if by in report.GROUPINGS else report.BY_SERVICE
        services = list(Service.objects.order_by("name").values_list("pk", "name"))
        groups = list(AssignmentGroup.objects.order_by("name").values_list("pk", "name"))
        service = int_param(request.GET.get("service"))
        service = service if service in {pk for pk, _name in services} else None
        group = int_param(request.GET.get("group"))
        group = group if group in {pk for pk, _name in groups} else None
        result = report.sla_report(year, by, service=service, group=group)
        export = request.GET.get("export")
        if export in EXPORT_FORMATS:
            headers, rows = report.export_rows(result)
            return file_response(dataset(headers, rows), export, f"sla-{year}-{by}")
        query = {"year": year, "by": by, "service": service or "", "group": group or ""}
        context = {
            "report": result,
            "year": year,
            "years": range(this_year - 3, this_year + 1),
            "by": by,
            "groupings": report.grouping_labels().items(),
            "by_label": report.grouping_labels()[by],
            "services": services,
            "service": service,
            "groups": groups,
            "group": group,
            "query": urlencode(query),
        }
        return TemplateResponse(request, self.template_name, context)
