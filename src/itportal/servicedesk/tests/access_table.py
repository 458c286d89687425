"""Rows of the permission-coverage table for the service desk: tickets in access_tickets.py,
changes in access_changes.py."""

from itportal.servicedesk.tests import access_changes, access_kb, access_tickets

ROWS = {**access_tickets.ROWS, **access_changes.ROWS, **access_kb.ROWS}


def objects(org):
    return {
        **access_tickets.objects(org),
        **access_changes.objects(org),
        **access_kb.objects(org),
    }
