"""Impact analysis of a system: a page (picture and tables) and the picture alone as SVG."""

from html import escape

from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from itportal.core.access import ModelAction
from itportal.core.views import PortalView
from itportal.registry import graph, svg
from itportal.registry.choices import Lifecycle, Technology
from itportal.registry.models import System

TRUE_VALUES = ("1", "true", "yes", "on")
EDGE_ROWS = 500  # the page lists at most this many integrations; the API gives all


def wants_upstream(request):
    return request.GET.get("upstream", "").lower() in TRUE_VALUES


def number(value):
    """An integer with the language's thousands separator, as the template's intcomma."""
    return escape(intcomma(value)) if value >= 1000 else str(value)


def url_maker(name):
    """pk → URL of the named pattern: one reverse() for thousands of rows."""
    marker = "2147483647"
    base = reverse(name, args=[marker])
    head, tail = base.split(marker, 1)
    return lambda pk: f"{head}{pk}{tail}"


class ImpactBase(PortalView):
    access_rule = ModelAction(System, "view")
    model = System

    def get_system(self):
        queryset = System.objects.restrict(self.request.user, "view").only("pk", "name")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def analyse(self, **options):
        system = self.get_system()
        return system, graph.impact(system.pk, upstream=wants_upstream(self.request), **options)


class ImpactView(ImpactBase):
    """The page. Its long tables (thousands of rows for a hub of the register) are rendered
    here with escaping, row by row, instead of in template loops, which were the slow part."""

    template_name = "registry/impact.html"

    def get(self, request, *args, **kwargs):
        system, result = self.analyse()
        upstream = wants_upstream(request)
        drawn = svg.visible(result)
        svg_url = reverse("registry:impact_svg", args=[system.pk])
        context = {
            "system": system,
            "result": result,
            "upstream": upstream,
            "svg": mark_safe(svg.render(result)),  # noqa: S308 - every text is escaped in svg.py
            "svg_url": svg_url + ("?upstream=1" if upstream else ""),
            "svg_all_url": svg_url + ("?upstream=1&all=1" if upstream else "?all=1"),
            "api_url": reverse("system-impact", args=[system.pk]),
            "system_url": reverse("registry:system_detail", args=[system.pk]),
            "drawn_count": len(drawn.systems) + len(drawn.upstream),
            "picture_cut": drawn is not result,
            "total_count": len(result.systems) + len(result.upstream),
            "edges_cut": len(result.edges) > EDGE_ROWS,
            "edge_rows_shown": EDGE_ROWS,
            **Rows(result).context(),
        }
        return TemplateResponse(request, self.template_name, context)


class Rows:
    """The <tr> rows of the page's tables, escaped, as safe strings. Each name is escaped once:
    a hub's page repeats the same few thousand names tens of thousands of times."""

    def __init__(self, result):
        self.result = result
        self.names = {node.id: escape(node.name) for node in result.nodes}  # escaped
        detail = url_maker("registry:system_detail")
        self.links = {pk: f'<a href="{detail(pk)}">{name}</a>' for pk, name in self.names.items()}
        self.impact = url_maker("registry:impact")
        self.phases = {value: escape(str(label)) for value, label in Lifecycle.choices}

    def context(self):
        result = self.result
        return {
            "system_rows": self.systems(result.systems),
            "upstream_rows": self.systems(result.upstream),
            "unit_rows": self.units(result.units),
            "people_rows": self.people(result.people),
            "edge_rows": self.edges(result.edges[:EDGE_ROWS]),
        }

    def systems(self, nodes):
        label = escape(_("Its impact"))
        links, names = self.links, self.names
        rows = [
            f'<tr><th scope="row" class="fw-normal">{links[node.id]}</th>'
            f'<td class="text-end">{node.distance}</td><td>{links.get(node.via, "")}</td>'
            f"<td>{self.phases.get(node.lifecycle) or escape(node.lifecycle)}</td>"
            f'<td><a href="{self.impact(node.id)}">{label}'
            f'<span class="visually-hidden"> – {names[node.id]}</span></a></td></tr>'
            for node in nodes
        ]
        return mark_safe("\n".join(rows))  # noqa: S308 - escaped above

    def units(self, units):
        unit_url = url_maker("organisation:orgunit_detail")
        names = self.names
        rows = [
            f'<tr><th scope="row" class="fw-normal"><a href="{unit_url(unit.id)}">'
            f"{escape(unit.name)}</a></th>"
            f'<td class="text-end">{number(unit.users)}</td>'
            f'<td class="text-end">{number(unit.headcount)}</td>'
            f"<td>{', '.join(names[pk] for pk in unit.systems if pk in names)}</td></tr>"
            for unit in units
        ]
        return mark_safe("\n".join(rows))  # noqa: S308 - escaped above

    def people(self, holders):
        person_url = url_maker("organisation:person_detail")
        left = escape(_("has left"))
        names = self.names
        roles_escaped = {}
        rows = []
        for holder in holders:
            name = escape(holder.name)
            if holder.kind == "person":
                name = f'<a href="{person_url(holder.id)}">{name}</a>'
            if not holder.active:
                name += f' <span class="badge text-bg-warning">{left}</span>'
            email = escape(holder.email)
            mail = f'<a href="mailto:{email}">{email}</a>' if email else ""
            parts = []
            for pk, role in holder.roles:
                role_html = roles_escaped.get(role)
                if role_html is None:
                    role_html = roles_escaped[role] = escape(role)
                parts.append(f"{role_html} – {names.get(pk, '')}")
            rows.append(
                f'<tr><th scope="row" class="fw-normal">{name}</th><td>{mail}</td>'
                f"<td>{'; '.join(parts)}</td></tr>"
            )
        return mark_safe("\n".join(rows))  # noqa: S308 - escaped above

    def edges(self, edges):
        technologies = {value: escape(str(label)) for value, label in Technology.choices}
        names = self.names
        rows = [
            f"<tr><td>{names.get(source, '')}</td><td>{names.get(target, '')}</td>"
            f"<td>{escape(information)}</td>"
            f"<td>{technologies.get(technology) or escape(technology)}</td></tr>"
            for _pk, source, target, technology, information in edges
        ]
        return mark_safe("\n".join(rows))  # noqa: S308 - escaped above


class ImpactSvgView(ImpactBase):
    def get(self, request, *args, **kwargs):
        _system, result = self.analyse(who=False)  # the picture shows no units or people
        everything = request.GET.get("all", "").lower() in TRUE_VALUES
        picture = svg.render(result, max_nodes=None if everything else svg.MAX_NODES)
        document = '<?xml version="1.0" encoding="UTF-8"?>\n' + picture
        response = HttpResponse(document, content_type="image/svg+xml; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="impact-{result.root.id}.svg"'
        return response
