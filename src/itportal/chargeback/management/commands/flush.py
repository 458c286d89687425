"""Django's `flush`, allowed past the closed-run triggers.

Emptying the whole database deletes closed chargeback runs too; on SQLite the flush deletes
row by row, which the triggers of migration chargeback/0002 refuse unless the table
`chargeback_maintenance` holds a row. This command puts one there for the flush's duration
(the flush itself, being a DELETE of every table, leaves that unmanaged table alone).
"""

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with connection.cursor() as cursor:
            cursor.execute("INSERT OR IGNORE INTO chargeback_maintenance (id) VALUES (1)")
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM chargeback_maintenance")
