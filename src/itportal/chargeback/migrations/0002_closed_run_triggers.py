"""Database triggers that keep a closed chargeback run as it was closed.

Refused on both databases: any UPDATE of a closed run, and any INSERT or UPDATE of a line of a
closed run. On PostgreSQL also any DELETE of a closed run or of its lines (Django's test flush
uses TRUNCATE there, which row triggers do not see; on SQLite the flush deletes row by row, so
deletion is refused by the services and the admin only).
"""

from django.db import migrations

RUN = "chargeback_chargebackrun"
LINE = "chargeback_chargebackline"
MESSAGE = "chargeback run is closed and cannot change"

SQLITE = [
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
