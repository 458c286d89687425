"""API routes of the cost KPIs; see routes.py."""

from itportal.chargeback.api import views_kpis as views


def register(router):
    router.register("year-figures", views.YearFiguresViewSet, basename="yearfigures")
    router.register("peer-values", views.PeerValueViewSet, basename="peervalue")
    router.register("kpis", views.KpiViewSet, basename="kpi")
