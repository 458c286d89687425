from django.urls import path

from itportal.registry import views_archimate as views

urlpatterns = [
    path("export/", views.ArchimateExport.as_view(), name="archimate_export"),
    path("import/", views.ArchimateImport.as_view(), name="archimate_import"),
]
