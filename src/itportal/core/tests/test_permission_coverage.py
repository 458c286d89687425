"""Every URL declares its access rule, and every role gets exactly the access written below.

The table `EXPECTED` is written by hand from the rights in DESIGN.md ("Who may do what"); it is
deliberately not derived from the code under test. A new URL name without a row fails
`test_it_has_a_row_in_the_access_table_for_every_named_url`, and a new URL without a rule fails
`test_it_finds_an_access_rule_for_every_url_pattern`.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLResolver, get_resolver, path, reverse
from django.views import View
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from itportal.api.permissions import RestrictedPermission
from itportal.catalogue.tests import access_table as catalogue_access
from itportal.chargeback.tests import access_table as chargeback_access
from itportal.core.access import LoggedIn, ModelAction, Public, rule_of
from itportal.core.models import ObjectChange
from itportal.core.services import write_change
from itportal.core.tests.access_outcomes import (
    API_DENIED,
    API_READ,
    LOGIN,
    PAGE_ADMIN,
    PAGE_READ,
    PAGE_STAFF_WRITE,
    PAGE_UNIT_WRITE,
    REDIRECT,
    ROLES,
)
from itportal.core.views import PortalView
from itportal.organisation.models import (
    Body,
    BodyMembership,
    Organisation,
    OrgUnit,
    Person,
    Vendor,
    VendorContact,
)
from itportal.servicedesk.tests import access_table as servicedesk_access

# URL name → expected outcome per role, in the order of ROLES:
#   anonymous  employee  controller  itstaff  coordinator  admin
EXPECTED = {
    # Core pages
    "home": PAGE_READ,
    "login": (200, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "logout": (LOGIN, 405, 405, 405, 405, 405),  # logging out is a POST
    "set_language": (REDIRECT,) * 6,
    "health": (200,) * 6,
    "core:change_list": PAGE_ADMIN,
    "core:change_detail": PAGE_ADMIN,
    # Organisation register: read by everybody logged in
    "organisation:tree": PAGE_READ,
    "organisation:organisation_list": PAGE_READ,
    "organisation:organisation_detail": PAGE_READ,
    "organisation:orgunit_list": PAGE_READ,
    "organisation:orgunit_detail": PAGE_READ,
    "organisation:person_list": PAGE_READ,
    "organisation:person_detail": PAGE_READ,
    "organisation:vendor_list": PAGE_READ,
    "organisation:vendor_detail": PAGE_READ,
    "organisation:body_list": PAGE_READ,
    "organisation:body_detail": PAGE_READ,
    # Organisations: kept by IT administrators
    "organisation:organisation_add": PAGE_ADMIN,
    "organisation:organisation_edit": PAGE_ADMIN,
    "organisation:organisation_delete": PAGE_ADMIN,
    # Units and people: IT staff, and coordinators within their units (the coordinator's rows
    # here are inside their units; OUTSIDE_SCOPE below has the rows outside)
    "organisation:orgunit_add": PAGE_UNIT_WRITE,
    "organisation:orgunit_import": PAGE_UNIT_WRITE,
    "organisation:orgunit_edit": PAGE_UNIT_WRITE,
    "organisation:orgunit_delete": PAGE_ADMIN,
    "organisation:person_add": PAGE_UNIT_WRITE,
    "organisation:person_import": PAGE_UNIT_WRITE,
    "organisation:person_edit": PAGE_UNIT_WRITE,
    "organisation:person_delete": PAGE_ADMIN,
    # Vendors, contacts, bodies, memberships: IT staff; deleting: IT administrators
    "organisation:vendor_add": PAGE_STAFF_WRITE,
    "organisation:vendor_import": PAGE_STAFF_WRITE,
    "organisation:vendor_edit": PAGE_STAFF_WRITE,
    "organisation:vendor_delete": PAGE_ADMIN,
    "organisation:vendorcontact_add": PAGE_STAFF_WRITE,
    "organisation:vendorcontact_edit": PAGE_STAFF_WRITE,
    "organisation:vendorcontact_delete": PAGE_ADMIN,
    "organisation:body_add": PAGE_STAFF_WRITE,
    "organisation:body_edit": PAGE_STAFF_WRITE,
    "organisation:body_delete": PAGE_ADMIN,
    "organisation:bodymembership_add": PAGE_STAFF_WRITE,
    "organisation:bodymembership_edit": PAGE_STAFF_WRITE,
    "organisation:bodymembership_delete": PAGE_ADMIN,
    # System register: read by everybody logged in; IT staff keep it (role holders of a system
    # edit their own systems: registry/tests/test_permissions.py); deleting: IT administrators
    "registry:system_list": PAGE_READ,
    "registry:system_detail": PAGE_READ,
    "registry:system_add": PAGE_STAFF_WRITE,
    "registry:system_import": PAGE_STAFF_WRITE,
    "registry:systemrole_import": PAGE_STAFF_WRITE,
    "registry:integration_import": PAGE_STAFF_WRITE,
    "registry:system_edit": PAGE_STAFF_WRITE,
    "registry:system_delete": PAGE_ADMIN,
    "registry:systemrole_add": PAGE_STAFF_WRITE,
    "registry:systemrole_edit": PAGE_STAFF_WRITE,
    "registry:systemrole_delete": PAGE_ADMIN,
    "registry:systemusage_add": PAGE_STAFF_WRITE,
    "registry:systemusage_edit": PAGE_STAFF_WRITE,
    "registry:systemusage_delete": PAGE_ADMIN,
    "registry:systemlink_add": PAGE_STAFF_WRITE,
    "registry:systemlink_edit": PAGE_STAFF_WRITE,
    "registry:systemlink_delete": PAGE_ADMIN,
    "registry:informationasset_add": PAGE_STAFF_WRITE,
    "registry:informationasset_edit": PAGE_STAFF_WRITE,
    "registry:informationasset_delete": PAGE_ADMIN,
    "registry:integration_list": PAGE_READ,
    "registry:integration_detail": PAGE_READ,
    "registry:integration_add": PAGE_STAFF_WRITE,
    "registry:integration_edit": PAGE_STAFF_WRITE,
    "registry:integration_delete": PAGE_ADMIN,
    "registry:impact": PAGE_READ,
    "registry:impact_svg": PAGE_READ,
    "registry:capability_list": PAGE_READ,
    "registry:capability_detail": PAGE_READ,
    "registry:capability_overlap": PAGE_READ,
    "registry:capability_add": PAGE_STAFF_WRITE,
    "registry:capability_edit": PAGE_STAFF_WRITE,
    "registry:capability_delete": PAGE_ADMIN,
    "registry:contract_list": PAGE_READ,
    "registry:contract_detail": PAGE_READ,
    "registry:contract_add": PAGE_STAFF_WRITE,
    "registry:contract_edit": PAGE_STAFF_WRITE,
    "registry:contract_delete": PAGE_ADMIN,
    "registry:licence_list": PAGE_READ,
    "registry:licence_detail": PAGE_READ,
    "registry:licence_coordination": PAGE_READ,
    "registry:licence_add": PAGE_STAFF_WRITE,
    "registry:licence_edit": PAGE_STAFF_WRITE,
    "registry:licence_delete": PAGE_ADMIN,
    # Compliance with the governance rules: read by everybody logged in (the unit page's pk is
    # an org unit)
    "registry:compliance": PAGE_READ,
    "registry:compliance_findings": PAGE_READ,
    "registry:compliance_unit": PAGE_READ,
    # ArchiMate exchange: the export is read by everybody logged in, the import is IT staff's
    "registry:archimate_export": PAGE_READ,
    "registry:archimate_import": PAGE_STAFF_WRITE,
    # API (GET; writes are tested below and in api/tests)
    "api-root": API_READ,
    "api-schema": API_READ,
    "api-docs": API_READ,
    "api-token": (405,) * 6,  # public, but only POST
    "organisation-list": API_READ,
    "organisation-detail": API_READ,
    "orgunit-list": API_READ,
    "orgunit-detail": API_READ,
    "person-list": API_READ,
    "person-detail": API_READ,
    "vendor-list": API_READ,
    "vendor-detail": API_READ,
    "vendorcontact-list": API_READ,
    "vendorcontact-detail": API_READ,
    "body-list": API_READ,
    "body-detail": API_READ,
    "bodymembership-list": API_READ,
    "bodymembership-detail": API_READ,
    "system-list": API_READ,
    "system-detail": API_READ,
    "systemrole-list": API_READ,
    "systemrole-detail": API_READ,
    "systemusage-list": API_READ,
    "systemusage-detail": API_READ,
    "systemlink-list": API_READ,
    "systemlink-detail": API_READ,
    "roletype-list": API_READ,
    "roletype-detail": API_READ,
    "integration-list": API_READ,
    "integration-detail": API_READ,
    "system-impact": API_READ,
    "informationasset-list": API_READ,
    "informationasset-detail": API_READ,
    "capability-list": API_READ,
    "capability-detail": API_READ,
    "tag-list": API_READ,
    "tag-detail": API_READ,
    "contract-list": API_READ,
    "contract-detail": API_READ,
    "licence-list": API_READ,
    "licence-detail": API_READ,
    # Later apps keep their rows beside their tests
    **catalogue_access.ROWS,
    **chargeback_access.ROWS,
    **servicedesk_access.ROWS,
}

# The same URLs for a unit and a person outside the coordinator's units (Utbildningsförvaltningen):
# they may see them, but not change them (404: the row is not among those they may change).
OUTSIDE_SCOPE = {
    "organisation:orgunit_detail": PAGE_READ,
    "organisation:orgunit_edit": (LOGIN, 403, 403, 200, 404, 200),
    "organisation:orgunit_delete": PAGE_ADMIN,
    "organisation:person_detail": PAGE_READ,
    "organisation:person_edit": (LOGIN, 403, 403, 200, 404, 200),
    "organisation:person_delete": PAGE_ADMIN,
    "orgunit-detail": API_READ,
    "person-detail": API_READ,
}

ADMIN_NAMESPACE = "admin"
UNKNOWN_TOKEN = "x" * 43  # a URL `token` nobody holds: its row must be 404 for every role


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "organisation:orgunit_edit"
    route: str  # the whole pattern, for messages
    pattern: object
    namespaces: tuple = ()

    @property
    def callback(self):
        return self.pattern.callback

    @property
    def kwarg_names(self):
        return set(self.pattern.pattern.regex.groupindex)

    @property
    def in_admin(self):
        return self.namespaces[:1] == (ADMIN_NAMESPACE,)

    @property
    def view_class(self):
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)


def all_routes():
    """Every URL pattern of the project, included resolvers and the admin too."""

    def walk(resolver, prefix, namespaces):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespaces + ((entry.namespace,) if entry.namespace else ())
                yield from walk(entry, prefix + str(entry.pattern), inner)
            else:
                name = ":".join((*namespaces, entry.name)) if entry.name else ""
                yield Route(name, prefix + str(entry.pattern), entry, namespaces)

    return list(walk(get_resolver(), "", ()))


def portal_routes():
    return [route for route in all_routes() if not route.in_admin]


# --- Test A: every pattern declares its rule -------------------------------------------------
def rule_problem(route):
    """Why the route's rule is missing or unenforced, or None when it is fine."""
    rule = rule_of(route.callback)
    view_class = route.view_class
    is_api = isinstance(view_class, type) and issubclass(view_class, APIView)
    if rule is None and is_api:
        if getattr(view_class, "model", None) is None:
            return "DRF view without `model` or `access_rule`"
        rule = "model"  # RestrictedPermission on the viewset's model
    if rule is None:
        return "no access rule (set `access_rule` or use itportal.core.access.with_rule)"
    if isinstance(rule, Public):
        return None
    if is_api:
        if RestrictedPermission not in view_class.permission_classes:
            names = [c.__name__ for c in view_class.permission_classes]
            return f"DRF view whose permission_classes {names} do not apply the rule"
        return None
    if isinstance(rule, LoggedIn):
        return None  # anonymous visitors are sent to the login by LoginRequiredMiddleware
    if not (isinstance(view_class, type) and issubclass(view_class, PortalView)):
        return f"rule {rule!r} on a view that does not enforce it (not a PortalView)"
    return None


def test_it_finds_an_access_rule_for_every_url_pattern():
    routes = portal_routes()
    assert len(routes) > 60, "the URL walk found too few patterns"
    assert {"api-root", "orgunit-detail", "organisation:orgunit_edit"} <= {r.name for r in routes}

    problems = [f"{r.route} ({r.name or 'unnamed'}): {p}" for r in routes if (p := rule_problem(r))]

    assert not problems, "URL patterns without an enforced access rule:\n" + "\n".join(problems)


def test_it_treats_the_format_suffix_variants_of_api_routes_like_the_routes():
    by_name = {}
    for route in portal_routes():
        if route.name.endswith(("-list", "-detail")) or route.name == "api-root":
            by_name.setdefault(route.name, []).append(route)

    assert by_name
    for name, routes in by_name.items():
        assert len(routes) == 2, name  # the route and its `.<format>` variant
        assert len({r.callback for r in routes}) == 1, name
        assert sum("format" in r.kwarg_names for r in routes) == 1, name


def test_it_flags_views_without_a_rule_or_with_an_unenforced_one():
    """The check itself: each kind of hole is reported."""

    class Unruled(View):
        pass

    class Unenforced(View):
        access_rule = ModelAction(Vendor, "change")

    class OpenApi(APIView):
        access_rule = LoggedIn()
        permission_classes = [AllowAny]

    class Enforced(PortalView):
        access_rule = ModelAction(Vendor, "change")

    def problem(view):
        return rule_problem(Route("test:view", "view/", path("view/", view.as_view())))

    assert "no access rule" in problem(Unruled)
    assert "does not enforce" in problem(Unenforced)
    assert "AllowAny" in problem(OpenApi)
    assert problem(Enforced) is None


def test_it_has_a_row_in_the_access_table_for_every_named_url():
    names = {route.name for route in portal_routes()}

    missing = sorted(names - set(EXPECTED))
    stale = sorted(set(EXPECTED) - names)
    unnamed = sorted(r.route for r in portal_routes() if not r.name)

    assert not missing, f"URL names missing from EXPECTED (add a row): {missing}"
    assert not stale, f"rows in EXPECTED for URL names that no longer exist: {stale}"
    assert not unnamed, f"URL patterns without a name: {unnamed}"
    assert set(OUTSIDE_SCOPE) <= names
    assert all(len(row) == len(ROLES) for row in [*EXPECTED.values(), *OUTSIDE_SCOPE.values()])


# --- Test B: every role gets the access in the table -----------------------------------------
@pytest.fixture
def objects(org):
    """model → a real row for the URLs with a pk (inside the coordinator's units)."""
    body = Body.objects.create(
        name="Kommunstyrelsen", kind="executive_board", organisation=org["organisation"]
    )
    return {
        Organisation: org["organisation"],
        OrgUnit: org["it_office"],
        Person: org["people"][0],
        Vendor: org["vendor"],
        VendorContact: VendorContact.objects.create(vendor=org["vendor"], name="Kim Support"),
        Body: body,
        BodyMembership: BodyMembership.objects.create(body=body, person=org["people"][0]),
        ObjectChange: write_change(
            actor="test", action=ObjectChange.Action.UPDATE, obj=org["vendor"], before={}, after={}
        ),
        **registry_objects(org),
        **catalogue_access.objects(org),
        **chargeback_access.objects(org),
        **servicedesk_access.objects(org),
    }


def registry_objects(org):
    from itportal.registry import models as r

    system = r.System.objects.create(name="Diariet", owning_unit=org["administration"])
    other = r.System.objects.create(name="E-arkivet", owning_unit=org["administration"])
    capability = r.Capability.objects.create(name="Ärendehantering")
    contract = r.Contract.objects.create(
        vendor=org["vendor"], number="2024-17", title="Diarium", start="2024-01-01"
    )
    return {
        r.System: system,
        r.RoleType: r.RoleType.objects.get(code="owner"),
        r.SystemRole: r.SystemRole.objects.create(
            system=system, role_type=r.RoleType.objects.get(code="manager"), person=org["people"][1]
        ),
        r.SystemUsage: r.SystemUsage.objects.create(system=system, unit=org["school"], users=40),
        r.SystemLink: r.SystemLink.objects.create(
            system=system, title="Handbok", url="https://intra.kommun.test/diariet"
        ),
        r.InformationAsset: r.InformationAsset.objects.create(system=system, name="Ärenden"),
        r.Integration: r.Integration.objects.create(
            source=system, target=other, information="Arkivpaket", technology="file"
        ),
        r.Capability: capability,
        r.Tag: r.Tag.objects.create(name="Kärnsystem"),
        r.Contract: contract,
        r.Licence: r.Licence.objects.create(product="Diariet Pro", metric="user", entitlements=50),
    }


def model_of(route):
    """The model whose row a URL's `pk` names."""
    rule = rule_of(route.callback)
    model = getattr(route.view_class, "model", None) or getattr(rule, "model", None)
    if route.name == "core:change_detail":
        model = ObjectChange
    assert model is not None, f"{route.route}: cannot tell which model its pk refers to"
    return model


def urls_to_check(objects):
    """(url name, url) for every portal route, format-suffix variants included."""
    urls = []
    for route in portal_routes():
        kwargs = {}
        names = route.kwarg_names
        unknown = names - {"pk", "format", "token"}
        assert not unknown, f"{route.route}: fill the URL kwargs {unknown} in this test"
        if "format" in names:
            kwargs["format"] = "json"
        if "token" in names:  # a secret in the URL (the calendar feed): one nobody holds
            kwargs["token"] = UNKNOWN_TOKEN
        if "pk" in names:
            model = model_of(route)
            row = objects.get(model)
            assert row is not None, f"{route.route}: add a {model.__name__} to `objects`"
            kwargs["pk"] = row.pk
        urls.append((route.name, reverse(route.name, kwargs=kwargs)))
    return sorted(set(urls))


def outcome(response):
    if response.status_code == 302:
        if urlsplit(response["Location"]).path == reverse("login"):
            return LOGIN
        return REDIRECT
    return response.status_code


def matches(expected, got):
    if expected == API_DENIED:
        return got in (401, 403)
    return expected == got


def mismatches(client_for, urls, table):
    found = []
    for index, role in enumerate(ROLES):
        client = client_for(role)
        for name, url in urls:
            expected = table[name][index]
            got = outcome(client.get(url))
            if not matches(expected, got):
                found.append(f"{role:<12} {url:<40} got {got!s:<9} expected {expected}")
    return found


def test_it_gives_every_role_the_access_in_the_table(objects, users, client_for):
    urls = urls_to_check(objects)
    assert len(urls) >= len(EXPECTED)

    wrong = mismatches(client_for, urls, EXPECTED)

    assert not wrong, "(role, url, got, expected) not as in EXPECTED:\n" + "\n".join(wrong)


def test_it_lets_a_coordinator_see_but_not_change_rows_outside_their_units(org, users, client_for):
    pks = {"orgunit": org["school"].pk, "person": org["people"][3].pk}
    urls = []
    for name in OUTSIDE_SCOPE:
        kind = name.split(":")[-1].replace("-", "_").split("_")[0]
        urls.append((name, reverse(name, kwargs={"pk": pks[kind]})))

    wrong = mismatches(client_for, urls, OUTSIDE_SCOPE)

    assert not wrong, "(role, url, got, expected) not as in OUTSIDE_SCOPE:\n" + "\n".join(wrong)


# --- API writes ------------------------------------------------------------------------------
def test_it_refuses_an_api_write_by_an_employee(org, users, client_for):
    response = client_for("employee").post(
        "/api/units/",
        {
            "organisation": org["organisation"].pk,
            "parent": org["it_office"].pk,
            "name": "Skuggenheten",
            "kind": "unit",
            "cost_centre": "9901",
        },
        content_type="application/json",
    )

    assert response.status_code == 403
    assert not OrgUnit.objects.filter(name="Skuggenheten").exists()


def test_it_lets_a_coordinator_patch_a_person_only_inside_their_units(org, users):
    token = Token.objects.create(user=users["coordinator"])
    api = Client(headers={"Authorization": f"Token {token.key}"})
    inside, outside = org["people"][0], org["people"][3]

    refused = api.patch(
        f"/api/people/{outside.pk}/",
        {"title": "Rektor", "version": outside.version},
        content_type="application/json",
    )
    accepted = api.patch(
        f"/api/people/{inside.pk}/",
        {"title": "IT-samordnare", "version": inside.version},
        content_type="application/json",
    )

    assert refused.status_code == 404
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["version"] == inside.version + 1
    outside.refresh_from_db()
    inside.refresh_from_db()
    assert (outside.title, inside.title) == ("", "IT-samordnare")


# --- The Django admin: staff only, by its own rule -------------------------------------------
ADMIN_KWARGS = {
    "object_id": "1",
    "id": "1",
    "app_label": "organisation",
    "content_type_id": "1",
    "url": "no-such-page/",
}
ADMIN_OPEN = {"admin:login", "admin:logout"}


def admin_urls():
    urls = []
    for route in all_routes():
        if not route.in_admin or route.name in ADMIN_OPEN:
            continue
        kwargs = {name: ADMIN_KWARGS[name] for name in route.kwarg_names}
        if route.name:
            urls.append(reverse(route.name, kwargs=kwargs))
        else:  # the admin's catch-all pattern
            urls.append(reverse("admin:index") + ADMIN_KWARGS["url"])
    return sorted(set(urls))


def test_it_keeps_anonymous_and_non_staff_users_out_of_the_django_admin(users, client_for):
    urls = admin_urls()
    assert "/admin/" in urls and "/admin/organisation/orgunit/" in urls
    login_pages = {reverse("admin:login"), reverse("login")}

    wrong = []
    for role in ROLES:  # none of the portal's roles is Django staff
        client = client_for(role)
        for url in urls:
            response = client.get(url)
            location = urlsplit(response.get("Location", "")).path
            expected = reverse("admin:login") if role != "anonymous" else None
            if response.status_code != 302 or location not in login_pages:
                wrong.append(f"{role} {url}: {response.status_code} {location}")
            elif expected and location != expected:
                wrong.append(f"{role} {url}: sent to {location}, not {expected}")

    assert not wrong, "admin pages reachable without staff status:\n" + "\n".join(wrong)


def test_it_lets_a_staff_superuser_into_the_django_admin(db):
    superuser = User.objects.create_superuser("root", "root@kommun.test", "pw-for-tests-only")
    client = Client()
    client.force_login(superuser)

    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get("/admin/organisation/orgunit/").status_code == 200
