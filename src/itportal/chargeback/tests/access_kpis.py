"""Permission-table rows; merged in access_table.py."""

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
