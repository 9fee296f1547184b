"""The database itself refuses to rewrite the audit trail.

UPDATE is always refused. DELETE and TRUNCATE are refused unless the session has explicitly opened
the purge guard (`minzheng.core.dbguard.audit_purge_allowed`), which only the test harness's
database flush uses; no page, API or admin path can open it.
"""

from django.db import migrations

PG_SQL = """
CREATE OR REPLACE FUNCTION core_auditevent_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only (审计日志只能追加)';
END; $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION core_auditevent_refuse_delete() RETURNS trigger AS $$
BEGIN
    IF current_setting('minzheng.audit_purge', true) = 'on' THEN
        IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit log is append-only (审计日志只能追加)';
END; $$ LANGUAGE plpgsql;

CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_update();
CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_delete();
CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_refuse_delete();
"""

PG_REVERSE = """
DROP TRIGGER IF EXISTS core_auditevent_no_update ON core_auditevent;
DROP TRIGGER IF EXISTS core_auditevent_no_delete ON core_auditevent;
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_refuse_update();
DROP FUNCTION IF EXISTS core_auditevent_refuse_delete();
"""

SQLITE_SQL = [
    "CREATE TABLE core_audit_guard (purge_allowed integer NOT NULL)",
    "INSERT INTO core_audit_guard (purge_allowed) VALUES (0)",
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only (审计日志只能追加)'); END""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       WHEN coalesce((SELECT purge_allowed FROM core_audit_guard LIMIT 1), 0) = 0
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only (审计日志只能追加)'); END""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
    "DROP TABLE IF EXISTS core_audit_guard",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = [PG_SQL] if vendor == "postgresql" else SQLITE_SQL if vendor == "sqlite" else []
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = (
        [PG_REVERSE] if vendor == "postgresql" else SQLITE_REVERSE if vendor == "sqlite" else []
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
