"""The database refuses to rewrite the payment ledger, as it does the audit trail (core 0002).

UPDATE is always refused; DELETE and TRUNCATE only pass when the session opened the purge guard
that core migration 0002 created (the test harness's flush). Two bank templates are seeded.
"""

from django.db import migrations

PG_SQL = """
CREATE TRIGGER payments_line_no_update BEFORE UPDATE ON payments_paymentline
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_update();
CREATE TRIGGER payments_line_no_delete BEFORE DELETE ON payments_paymentline
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_delete();
CREATE TRIGGER payments_line_no_truncate BEFORE TRUNCATE ON payments_paymentline
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_refuse_delete();
CREATE TRIGGER payments_outcome_no_update BEFORE UPDATE ON payments_bankoutcome
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_update();
"""

PG_REVERSE = """
DROP TRIGGER IF EXISTS payments_line_no_update ON payments_paymentline;
DROP TRIGGER IF EXISTS payments_line_no_delete ON payments_paymentline;
DROP TRIGGER IF EXISTS payments_line_no_truncate ON payments_paymentline;
DROP TRIGGER IF EXISTS payments_outcome_no_update ON payments_bankoutcome;
"""

SQLITE_SQL = [
    """CREATE TRIGGER payments_line_no_update BEFORE UPDATE ON payments_paymentline
       BEGIN SELECT RAISE(ABORT, 'payment ledger is append-only (发放台账只能追加)'); END""",
    """CREATE TRIGGER payments_line_no_delete BEFORE DELETE ON payments_paymentline
       WHEN coalesce((SELECT purge_allowed FROM core_audit_guard LIMIT 1), 0) = 0
       BEGIN SELECT RAISE(ABORT, 'payment ledger is append-only (发放台账只能追加)'); END""",
    """CREATE TRIGGER payments_outcome_no_update BEFORE UPDATE ON payments_bankoutcome
       BEGIN SELECT RAISE(ABORT, 'bank outcomes are append-only (回盘结果只能追加)'); END""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS payments_line_no_update",
    "DROP TRIGGER IF EXISTS payments_line_no_delete",
    "DROP TRIGGER IF EXISTS payments_outcome_no_update",
]

CSV_FIELDS = [
    {"field": "reference", "title": "流水号"},
    {"field": "account", "title": "账号"},
    {"field": "holder_name", "title": "户名"},
    {"field": "amount_yuan", "title": "金额"},
    {"field": "direction", "title": "借贷标志"},
    {"field": "memo", "title": "摘要"},
]
FIXED_FIELDS = [
    {"field": "reference", "width": 20, "align": "left"},
    {"field": "account", "width": 25, "align": "left"},
    {"field": "holder_name", "width": 20, "align": "left"},
    {"field": "amount_fen", "width": 15, "align": "right", "pad": "0"},
    {"field": "direction", "width": 1, "align": "left"},
]
RETURN_CODES = {
    "0000": "paid",
    "E101": "wrong_account",
    "E102": "closed_account",
    "E103": "name_mismatch",
}


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = [PG_SQL] if vendor == "postgresql" else SQLITE_SQL if vendor == "sqlite" else []
    for sql in statements:
        schema_editor.execute(sql)
    BankTemplate = apps.get_model("payments", "BankTemplate")
    BankTemplate.objects.create(
        name="通用CSV",
        format="csv",
        encoding="utf-8",
        fields=CSV_FIELDS,
        return_codes=RETURN_CODES,
        source="示例模板：字段与回盘代码为示例，按合作银行的接口说明配置",
    )
    BankTemplate.objects.create(
        name="定长（示例）",
        format="fixed",
        encoding="gb18030",
        fields=FIXED_FIELDS,
        return_codes=RETURN_CODES,
        source="示例模板：字段宽度为示例，按合作银行的接口说明配置",
    )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = (
        [PG_REVERSE] if vendor == "postgresql" else SQLITE_REVERSE if vendor == "sqlite" else []
    )
    for sql in statements:
        schema_editor.execute(sql)
    apps.get_model("payments", "BankTemplate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_ledger"), ("core", "0002_audit_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
