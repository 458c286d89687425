from django.urls import include, path

app_name = "chargeback"

# Runs, lines, adjustments and exports (urls_runs); simulation, KPIs, benchmarking and year
# figures (urls_kpis).
urlpatterns = [
    path("", include("itportal.chargeback.urls_runs")),
    path("", include("itportal.chargeback.urls_kpis")),
]
