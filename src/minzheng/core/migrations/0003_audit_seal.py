"""Audit seals: an archived prefix of the audit trail may leave the live table (retention)."""

from django.db import migrations, models


# An audit event may be deleted once a seal covers its id (it is in a verified archive); a seal is
# never changed or deleted. The purge guard of 0002 (test-database flush only) still opens both.
PG_SQL = """
CREATE OR REPLACE FUNCTION core_auditevent_refuse_delete() RETURNS trigger AS $$
BEGIN
    IF current_setting('minzheng.audit_purge', true) = 'on' THEN
        IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF;
        RETURN NULL;
    END IF;
    IF TG_LEVEL = 'ROW' THEN
        IF OLD.id <= (SELECT coalesce(max(through_id), 0) FROM core_auditseal) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit log is append-only (审计日志只能追加)';
END; $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION core_auditseal_refuse() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'UPDATE' AND current_setting('minzheng.audit_purge', true) = 'on' THEN
        IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit seals are append-only (审计归档封存只能追加)';
END; $$ LANGUAGE plpgsql;

CREATE TRIGGER core_auditseal_no_change BEFORE UPDATE OR DELETE ON core_auditseal
    FOR EACH ROW EXECUTE FUNCTION core_auditseal_refuse();
CREATE TRIGGER core_auditseal_no_truncate BEFORE TRUNCATE ON core_auditseal
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditseal_refuse();
"""

PG_REVERSE = """
DROP TRIGGER IF EXISTS core_auditseal_no_change ON core_auditseal;
DROP TRIGGER IF EXISTS core_auditseal_no_truncate ON core_auditseal;
DROP FUNCTION IF EXISTS core_auditseal_refuse();
CREATE OR REPLACE FUNCTION core_auditevent_refuse_delete() RETURNS trigger AS $$
BEGIN
    IF current_setting('minzheng.audit_purge', true) = 'on' THEN
        IF TG_LEVEL = 'ROW' THEN RETURN OLD; END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit log is append-only (审计日志只能追加)';
END; $$ LANGUAGE plpgsql;
"""

SQLITE_SQL = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       WHEN coalesce((SELECT purge_allowed FROM core_audit_guard LIMIT 1), 0) = 0
        AND OLD.id > coalesce((SELECT max(through_id) FROM core_auditseal), 0)
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only (审计日志只能追加)'); END""",
    """CREATE TRIGGER core_auditseal_no_update BEFORE UPDATE ON core_auditseal
       BEGIN SELECT RAISE(ABORT, 'audit seals are append-only (审计归档封存只能追加)'); END""",
    """CREATE TRIGGER core_auditseal_no_delete BEFORE DELETE ON core_auditseal
       WHEN coalesce((SELECT purge_allowed FROM core_audit_guard LIMIT 1), 0) = 0
       BEGIN SELECT RAISE(ABORT, 'audit seals are append-only (审计归档封存只能追加)'); END""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditseal_no_update",
    "DROP TRIGGER IF EXISTS core_auditseal_no_delete",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       WHEN coalesce((SELECT purge_allowed FROM core_audit_guard LIMIT 1), 0) = 0
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only (审计日志只能追加)'); END""",
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
    dependencies = [
        ("core", "0002_audit_append_only"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("through_id", models.BigIntegerField(unique=True, verbose_name="归档至事件号")),
                ("first_id", models.BigIntegerField(verbose_name="起始事件号")),
                ("events", models.PositiveIntegerField(verbose_name="事件数")),
                ("previous_hash", models.CharField(max_length=64, verbose_name="上一段末哈希")),
                ("last_hash", models.CharField(max_length=64, verbose_name="本段末哈希")),
                ("archive_name", models.CharField(max_length=300, verbose_name="归档文件")),
                (
                    "archive_sha256",
                    models.CharField(max_length=64, verbose_name="归档文件 SHA-256"),
                ),
                ("sealed_at", models.DateTimeField(auto_now_add=True, verbose_name="封存时间")),
            ],
            options={
                "verbose_name": "审计日志归档封存",
                "ordering": ("through_id",),
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
