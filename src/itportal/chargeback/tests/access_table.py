"""Rows of the permission-coverage table (core/tests/test_permission_coverage.py) for the
chargeback app: runs in access_runs.py, KPIs and simulation in access_kpis.py."""

from itportal.chargeback.tests import access_kpis, access_runs

ROWS = {**access_runs.ROWS, **access_kpis.ROWS}


def objects(org):
    return {**access_runs.objects(org), **access_kpis.objects(org)}
