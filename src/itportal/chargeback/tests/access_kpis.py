"""Permission-table rows of the simulation, cost KPI, benchmarking and year-figure routes;
merged in access_table.py."""

from decimal import Decimal

from itportal.core.tests.access_outcomes import (
    API_READ,
    LOGIN,
    PAGE_ADMIN,
    PAGE_READ,
)

# IT staff, controllers and IT administrators (FINANCE_ROLES); no unit-scoped rights.
PAGE_FINANCE = (LOGIN, 403, 200, 200, 403, 200)

ROWS = {
    # The transition simulation: finance roles only (it shows every unit's costs)
    "chargeback:simulation": PAGE_FINANCE,
    # Cost KPIs and benchmarking: transparent to everybody logged in
    "chargeback:kpis": PAGE_READ,
    "chargeback:kpi_export": PAGE_READ,
    "chargeback:benchmark": PAGE_READ,
    # Importing peers' files and keeping the year figures: finance roles; deleting: admins
    "chargeback:peer_import": PAGE_FINANCE,
    "chargeback:yearfigures_list": PAGE_READ,
    "chargeback:yearfigures_add": PAGE_FINANCE,
    "chargeback:yearfigures_edit": PAGE_FINANCE,
    "chargeback:yearfigures_delete": PAGE_ADMIN,
    # API (GET)
    "yearfigures-list": API_READ,
    "yearfigures-detail": API_READ,
    "peervalue-list": API_READ,
    "peervalue-detail": API_READ,
    "kpi-list": API_READ,
}


def objects(org):
    from itportal.chargeback.models import PeerValue, YearFigures

    figures = YearFigures.objects.create(
        organisation=org["organisation"], year=2025, operating_cost=Decimal("1000000")
    )
    peer = PeerValue.objects.create(
        kpi="ITK002", municipality="2590", period=2025, value=Decimal("12345.6")
    )
    return {YearFigures: figures, PeerValue: peer}
