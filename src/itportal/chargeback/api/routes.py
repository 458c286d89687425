"""The chargeback app's API routes, registered on the portal's router by api/urls.py."""

from itportal.chargeback.api import routes_kpis, routes_runs


def register(router):
    routes_runs.register(router)
    routes_kpis.register(router)
