"""Joins two branches of registry migrations: 户别 and its index clean-up, and the list-search indexes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_list_search_indexes"),
        ("registry", "0007_drop_blind_index_like_indexes"),
    ]

    operations: list[migrations.operations.base.Operation] = []
