"""PostgreSQL: the ledger lines partitioned by month (`core.partitions`); SQLite unchanged.

The idempotency key (source, source_id, month, kind) contains the month, so it stays one unique
index across all partitions and `ON CONFLICT (source, source_id, month, kind)` keeps working."""

from django.db import migrations

from minzheng.core.partitions import backwards_for, forwards_for

TABLE = "payments_paymentline"


class Migration(migrations.Migration):
    dependencies = [("payments", "0008_alter_paymentline_source")]
    operations = [migrations.RunPython(forwards_for(TABLE), backwards_for(TABLE))]
