from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from itportal.core.access import rule_of
from itportal.core.roles import is_it_admin

# Sections of the main menu; the current section's pages show as a second row.
MENU = (
    (
        _("Organisation"),
        (
            ("organisation:tree", _("Tree")),
            ("organisation:orgunit_list", _("Units")),
            ("organisation:person_list", _("People")),
            ("organisation:vendor_list", _("Vendors")),
            ("organisation:body_list", _("Bodies")),
            ("organisation:organisation_list", _("Organisations")),
        ),
    ),
    (
        _("System register"),
        (
            ("registry:system_list", _("Systems")),
            ("registry:integration_list", _("Integrations")),
            ("registry:compliance", _("Compliance")),
            ("registry:capability_list", _("Capabilities")),
            ("registry:capability_overlap", _("Overlap")),
            ("registry:contract_list", _("Contracts")),
            ("registry:licence_list", _("Licences")),
            ("registry:licence_coordination", _("Licence coordination")),
        ),
    ),
    (
        _("IT services"),
        (
            ("catalogue:catalogue", _("Catalogue")),
            ("catalogue:service_list", _("Services")),
            ("catalogue:pricelist_list", _("Price lists")),
            ("catalogue:subscription_list", _("Subscriptions")),
            ("catalogue:itfeerule_list", _("IT fee")),
        ),
    ),
    (
        _("Chargeback"),
        (
            ("chargeback:run_list", _("Runs")),
            ("chargeback:simulation", _("IT fee or services")),
            ("chargeback:kpis", _("Cost KPIs")),
            ("chargeback:benchmark", _("Benchmarking")),
            ("chargeback:yearfigures_list", _("Year figures")),
        ),
    ),
    (
        _("Service desk"),
        (
            ("servicedesk:portal", _("My tickets")),
            ("servicedesk:ticket_list", _("Queue")),
            ("servicedesk:dashboard", _("Dashboard")),
            ("servicedesk:change_list", pgettext_lazy("change management", "Changes")),
            ("servicedesk:article_list", _("Knowledge base")),
            ("servicedesk:sla_report", _("SLA report")),
            ("servicedesk:intake_list", _("Incoming e-mail")),
        ),
    ),
)


def _allowed(url, user):
    """May `user` open `url`? The menu leaves out pages whose access rule would refuse."""
    try:
        rule = rule_of(resolve(url).func)
    except Resolver404:
        return False
    return rule is None or rule.allows(user)


def _items(entries, path, user=None):
    items = []
    for name, label in entries:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if user is not None and not _allowed(url, user):
            continue
        items.append({"url": url, "label": label, "current": False})
    matching = [i for i in items if path.startswith(i["url"])]
    if matching:  # the most specific page is the current one
        max(matching, key=lambda i: len(i["url"]))["current"] = True
    return items


def portal(request):
    menu, submenu = [], []
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")
    if user is not None and user.is_authenticated:
        for label, entries in MENU:
            items = _items(entries, path, user)
            if not items:
                continue
            prefix = "/" + items[0]["url"].strip("/").split("/")[0] + "/"
            current = path.startswith(prefix)
            menu.append({"url": items[0]["url"], "label": label, "current": current})
            if current:
                submenu = items
        extra = [("api-docs", _("API"))]
        if is_it_admin(user):
            extra.insert(0, ("core:change_list", _("Change log")))
        menu.extend(_items(extra, path))
    return {
        "portal": {
            "name": settings.PORTAL_NAME,
            "owner": settings.PORTAL_OWNER,
            "colour": settings.PORTAL_COLOUR,
            "menu": menu,
            "submenu": submenu,
        }
    }
