"""The service desk's API routes, registered on the portal's router by api/urls.py."""

from itportal.servicedesk.api import routes_changes, routes_tickets


def register(router):
    routes_tickets.register(router)
    routes_changes.register(router)
