"""API routes of changes and blackout periods; see routes.py."""

from itportal.servicedesk.api import views_changes as v


def register(router):
    router.register("changes", v.ChangeViewSet, basename="change")
    router.register("blackouts", v.BlackoutViewSet, basename="blackout")
