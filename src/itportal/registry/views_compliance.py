"""The compliance pages: the whole group, one administration (or any unit's subtree) and a
filterable list of findings. Readers of the register may see them all."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode

from itportal.core.access import ModelAction
from itportal.core.views import PortalView
from itportal.organisation.models import OrgUnit, Person
from itportal.registry import compliance
from itportal.registry.choices import Severity
from itportal.registry.models import System
from itportal.registry.rules import RULES, RULES_BY_CODE

PER_PAGE = 100


class ComplianceMixin:
    access_rule = ModelAction(System, "view")

    def systems(self):
        return System.objects.restrict(self.request.user, "view")

    def filters(self):
        """The rule, severity and "mine" filters of the query string (unknown values ignored)."""
        get = self.request.GET
        rule = get.get("rule") if get.get("rule") in RULES_BY_CODE else ""
        severity = get.get("severity") if get.get("severity") in Severity.values else ""
        person = None
        if get.get("mine") and self.request.user.is_authenticated:
            person = Person.objects.filter(user=self.request.user).first()
            if person is None:
                person = Person(pk=0)  # nobody: no findings are "mine"
        return {"rule": rule, "severity": severity, "person": person}

    def page_of(self, found):
        paginator = Paginator(found, PER_PAGE)
        page = paginator.get_page(self.request.GET.get("page"))
        params = {k: v for k, v in self.request.GET.items() if k != "page" and v}
        return page, urlencode(params)

    def filter_context(self, filters):
        return {
            "rule_choices": RULES,
            "severity_choices": Severity.choices,
            "chosen_rule": filters["rule"],
            "chosen_severity": filters["severity"],
            "mine": filters["person"] is not None,
        }


class ComplianceOverview(ComplianceMixin, PortalView):
    """The whole group: counts per rule, severity and administration, and the trend."""

    template_name = "registry/compliance.html"

    def get(self, request):
        result = compliance.report(self.systems())
        points = compliance.trend()
        context = {
            "report": result,
            "trend": points,
            "chart": compliance.trend_chart(points),
            "findings_url": reverse("registry:compliance_findings"),
        }
        return TemplateResponse(request, self.template_name, context)


class ComplianceUnit(ComplianceMixin, PortalView):
    """One administration (or any unit with the units below it): its findings and trend."""

    # The URL's pk names an org unit (read by the permission-coverage test); the access rule is
    # the register's.
    model = OrgUnit
    template_name = "registry/compliance_unit.html"

    def get(self, request, pk):
        unit = get_object_or_404(OrgUnit.objects.restrict(request.user, "view"), pk=pk)
        result = compliance.report(compliance.systems_under(unit, self.systems()))
        filters = self.filters()
        found = compliance.filter_findings(result.findings, **filters)
        page, query = self.page_of(found)
        points = compliance.trend(unit) if unit.depth <= 1 else []
        ancestors = OrgUnit.objects.filter(
            pk__in=[int(p) for p in unit.path.split("/") if p and int(p) != unit.pk]
        ).order_by("depth")
        context = {
            "unit": unit,
            "ancestors": ancestors,
            "report": result,
            "page": page,
            "query": query,
            "shown": len(found),
            "trend": points,
            "chart": compliance.trend_chart(points),
            **self.filter_context(filters),
        }
        return TemplateResponse(request, self.template_name, context)


class ComplianceFindings(ComplianceMixin, PortalView):
    """Every finding in the group, filterable by rule, severity and "mine"."""

    template_name = "registry/compliance_findings.html"

    def get(self, request):
        filters = self.filters()
        found = compliance.filter_findings(compliance.findings(self.systems()), **filters)
        page, query = self.page_of(found)
        context = {
            "page": page,
            "query": query,
            "shown": len(found),
            "rule": RULES_BY_CODE.get(filters["rule"]),
            **self.filter_context(filters),
        }
        return TemplateResponse(request, self.template_name, context)
