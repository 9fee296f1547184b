"""PostgreSQL: the feed rows partitioned by source (`core.partitions`); SQLite unchanged.

A feed row has no month of its own, and its idempotency key is (source, row_key): partitioning by
source keeps that key one unique index, so a re-delivered row is still stored once."""

from django.db import migrations

from minzheng.core.partitions import backwards_for, forwards_for

TABLE = "verification_feedrecord"


class Migration(migrations.Migration):
    dependencies = [("verification", "0001_initial")]
    operations = [migrations.RunPython(forwards_for(TABLE), backwards_for(TABLE))]
