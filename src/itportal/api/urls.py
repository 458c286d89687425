from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import APIRootView, DefaultRouter

from itportal.core.access import LoggedIn, Public
from itportal.organisation.api import views as org


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

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    *router.urls,
]
