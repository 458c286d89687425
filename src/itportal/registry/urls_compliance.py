from django.urls import path

from itportal.registry import views_compliance as views

urlpatterns = [
    path("", views.ComplianceOverview.as_view(), name="compliance"),
    path("findings/", views.ComplianceFindings.as_view(), name="compliance_findings"),
    path("units/<int:pk>/", views.ComplianceUnit.as_view(), name="compliance_unit"),
]
