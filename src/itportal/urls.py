from django.contrib import admin
from django.urls import include, path

from itportal.core import views_pages as core_views

urlpatterns = [
    path("", core_views.Home.as_view(), name="home"),
    path("login/", core_views.Login.as_view(), name="login"),
    path("logout/", core_views.Logout.as_view(), name="logout"),
    path("i18n/setlang/", core_views.language, name="set_language"),
    path("health/", core_views.health, name="health"),
    path("org/", include("itportal.organisation.urls")),
    path("registry/", include("itportal.registry.urls")),
    path("services/", include("itportal.catalogue.urls")),
    path("chargeback/", include("itportal.chargeback.urls")),
    path("desk/", include("itportal.servicedesk.urls")),
    path("core/", include("itportal.core.urls")),
    path("api/", include("itportal.api.urls")),
    path("admin/", admin.site.urls),
]
