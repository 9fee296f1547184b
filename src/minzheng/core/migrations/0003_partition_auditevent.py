"""PostgreSQL: the audit trail partitioned by month of `at` (`core.partitions`); SQLite unchanged.

The append-only triggers move to the partitioned table and so guard every partition."""

from django.db import migrations

from minzheng.core.partitions import backwards_for, forwards_for

TABLE = "core_auditevent"


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]
    operations = [migrations.RunPython(forwards_for(TABLE), backwards_for(TABLE))]
