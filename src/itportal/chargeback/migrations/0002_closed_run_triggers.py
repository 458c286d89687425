"""Database triggers that keep a closed chargeback run as it was closed.

Refused on both databases: any UPDATE or DELETE of a closed run, and any INSERT, UPDATE or
DELETE of a line of a closed run. `manage.py flush` (which the tests use to empty the database)
deletes row by row on SQLite; it may, through the table `chargeback_maintenance` that only the
flush command fills while it runs (chargeback/management/commands/flush.py). On PostgreSQL the
flush uses TRUNCATE, which row triggers do not see.
"""

from django.db import migrations

RUN = "chargeback_chargebackrun"
LINE = "chargeback_chargebackline"
MESSAGE = "chargeback run is closed and cannot change"

NOT_MAINTENANCE = "NOT EXISTS (SELECT 1 FROM chargeback_maintenance)"

SQLITE = [
    "CREATE TABLE chargeback_maintenance (id INTEGER PRIMARY KEY)",
    f"""CREATE TRIGGER chargeback_closed_run_delete BEFORE DELETE ON {RUN}
    WHEN OLD.state = 'closed' AND {NOT_MAINTENANCE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER chargeback_closed_line_delete BEFORE DELETE ON {LINE}
    WHEN (SELECT state FROM {RUN} WHERE id = OLD.run_id) = 'closed' AND {NOT_MAINTENANCE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER chargeback_closed_run_update BEFORE UPDATE ON {RUN}
    WHEN OLD.state = 'closed'
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER chargeback_closed_line_insert BEFORE INSERT ON {LINE}
    WHEN (SELECT state FROM {RUN} WHERE id = NEW.run_id) = 'closed'
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER chargeback_closed_line_update BEFORE UPDATE ON {LINE}
    WHEN (SELECT state FROM {RUN} WHERE id = OLD.run_id) = 'closed'
      OR (SELECT state FROM {RUN} WHERE id = NEW.run_id) = 'closed'
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS chargeback_closed_run_delete",
    "DROP TRIGGER IF EXISTS chargeback_closed_line_delete",
    "DROP TABLE IF EXISTS chargeback_maintenance",
    "DROP TRIGGER IF EXISTS chargeback_closed_run_update",
    "DROP TRIGGER IF EXISTS chargeback_closed_line_insert",
    "DROP TRIGGER IF EXISTS chargeback_closed_line_update",
]

POSTGRESQL = [
    f"""CREATE FUNCTION chargeback_refuse_closed_run() RETURNS trigger AS $$
    BEGIN
      IF OLD.state = 'closed' THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER chargeback_closed_run BEFORE UPDATE OR DELETE ON {RUN}
    FOR EACH ROW EXECUTE FUNCTION chargeback_refuse_closed_run()""",
    f"""CREATE FUNCTION chargeback_refuse_closed_line() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
           SELECT 1 FROM {RUN} WHERE id = OLD.run_id AND state = 'closed') THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
           SELECT 1 FROM {RUN} WHERE id = NEW.run_id AND state = 'closed') THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE TRIGGER chargeback_closed_line BEFORE INSERT OR UPDATE OR DELETE ON {LINE}
    FOR EACH ROW EXECUTE FUNCTION chargeback_refuse_closed_line()""",
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS chargeback_closed_line ON {LINE}",
    "DROP FUNCTION IF EXISTS chargeback_refuse_closed_line()",
    f"DROP TRIGGER IF EXISTS chargeback_closed_run ON {RUN}",
    "DROP FUNCTION IF EXISTS chargeback_refuse_closed_run()",
]


def forwards(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE, "postgresql": POSTGRESQL})


def backwards(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE})


def _run(schema_editor, statements):
    for sql in statements.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("chargeback", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
