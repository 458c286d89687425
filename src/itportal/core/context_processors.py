from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itportal.core.roles import is_it_admin

MENU = (
    ("organisation:tree", _("Organisation")),
    ("organisation:orgunit_list", _("Units")),
    ("organisation:person_list", _("People")),
    ("organisation:vendor_list", _("Vendors")),
    ("organisation:body_list", _("Bodies")),
    ("organisation:organisation_list", _("Organisations")),
)


def portal(request):
    menu = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        items = list(MENU)
        if is_it_admin(user):
            items.append(("core:change_list", _("Change log")))
        items.append(("api-docs", _("API")))
        for name, label in items:
            url = reverse(name)
            menu.append({"url": url, "label": label, "current": request.path.startswith(url)})
    return {
        "portal": {
            "name": settings.PORTAL_NAME,
            "owner": settings.PORTAL_OWNER,
            "colour": settings.PORTAL_COLOUR,
            "menu": menu,
        }
    }
