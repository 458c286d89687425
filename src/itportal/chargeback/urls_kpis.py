from django.urls import path

from itportal.chargeback import views_kpis as views

urlpatterns = [
    path("simulation/", views.SimulationView.as_view(), name="simulation"),
    path("kpis/", views.KpiView.as_view(), name="kpis"),
    path("kpis/export/", views.KpiExport.as_view(), name="kpi_export"),
    path("benchmark/", views.BenchmarkView.as_view(), name="benchmark"),
    path("benchmark/import/", views.PeerImportView.as_view(), name="peer_import"),
    path("year-figures/", views.YearFiguresList.as_view(), name="yearfigures_list"),
    path("year-figures/add/", views.YearFiguresCreate.as_view(), name="yearfigures_add"),
    path("year-figures/<int:pk>/edit/", views.YearFiguresEdit.as_view(), name="yearfigures_edit"),
    path(
        "year-figures/<int:pk>/delete/",
        views.YearFiguresDelete.as_view(),
        name="yearfigures_delete",
    ),
]
