"""API routes of tickets; see routes.py."""

from itportal.servicedesk.api import views_saved
from itportal.servicedesk.api import views_tickets as v


def register(router):
    router.register("tickets", v.TicketViewSet, basename="ticket")
    router.register("saved-filters", views_saved.SavedFilterViewSet, basename="savedfilter")
