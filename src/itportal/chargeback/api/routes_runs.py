"""API routes of chargeback runs, lines and adjustments; see routes.py."""

from itportal.chargeback.api import views_runs as v


def register(router):
    router.register("chargeback-runs", v.RunViewSet, basename="chargebackrun")
    router.register("chargeback-lines", v.LineViewSet, basename="chargebackline")
    router.register("adjustments", v.AdjustmentViewSet, basename="adjustment")
