"""Rows of the permission-coverage table (core/tests/test_permission_coverage.py) for the
chargeback app's URLs and API routes, and one object per model whose pk its URLs take."""

from itportal.core.tests.access_outcomes import (  # noqa: F401
    API_DENIED,
    API_READ,
    LOGIN,
    PAGE_ADMIN,
    PAGE_READ,
    PAGE_STAFF_WRITE,
    PAGE_UNIT_WRITE,
    REDIRECT,
)

ROWS = {}


def objects(org):
    return {}
