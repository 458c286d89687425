from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import APIRootView, DefaultRouter

from itportal.catalogue.api import routes as catalogue_routes
from itportal.chargeback.api import routes as chargeback_routes
from itportal.core.access import LoggedIn, Public
from itportal.organisation.api import views as org
from itportal.registry.api import views as reg
from itportal.registry.api_impact import ImpactAPIView
from itportal.servicedesk.api import routes as servicedesk_routes


class SchemaView(SpectacularAPIView):
    access_rule = LoggedIn()  # enforced by SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]


class DocsView(SpectacularSwaggerView):
    access_rule = LoggedIn()


class TokenView(ObtainAuthToken):
    """POST username and password, get the user's API token (the login lockout applies)."""

    access_rule = Public()


class RootView(APIRootView):
    """The API's index of routes (a subclass, so that DRF's own class keeps no rule of ours)."""

    access_rule = LoggedIn()


class Router(DefaultRouter):
    APIRootView = RootView


router = Router()
router.register("organisations", org.OrganisationViewSet, basename="organisation")
router.register("units", org.OrgUnitViewSet, basename="orgunit")
router.register("people", org.PersonViewSet, basename="person")
router.register("vendors", org.VendorViewSet, basename="vendor")
router.register("vendor-contacts", org.VendorContactViewSet, basename="vendorcontact")
router.register("bodies", org.BodyViewSet, basename="body")
router.register("memberships", org.BodyMembershipViewSet, basename="bodymembership")
router.register("systems", reg.SystemViewSet, basename="system")
router.register("system-roles", reg.SystemRoleViewSet, basename="systemrole")
router.register("system-usages", reg.SystemUsageViewSet, basename="systemusage")
router.register("system-links", reg.SystemLinkViewSet, basename="systemlink")
router.register("role-types", reg.RoleTypeViewSet, basename="roletype")
router.register("integrations", reg.IntegrationViewSet, basename="integration")
router.register("information-assets", reg.InformationAssetViewSet, basename="informationasset")
router.register("capabilities", reg.CapabilityViewSet, basename="capability")
router.register("tags", reg.TagViewSet, basename="tag")
router.register("contracts", reg.ContractViewSet, basename="contract")
router.register("licences", reg.LicenceViewSet, basename="licence")
catalogue_routes.register(router)
chargeback_routes.register(router)
servicedesk_routes.register(router)

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("systems/<int:pk>/impact/", ImpactAPIView.as_view(), name="system-impact"),
    *router.urls,
]
