"""Household.head_name: the head's name copied onto the household for 家庭户's head search.

Adding the column remakes `registry_household` on SQLite, which drops the address search's FTS
triggers (migration 0004 says a later remake must run its SQLite statements again; 0006 did not,
so they have been missing since): they are created again and the FTS table rebuilt here.
"""

import importlib

from django.db import migrations, models

_ADDRESS_SEARCH = importlib.import_module("minzheng.registry.migrations.0004_household_address_search")


def restore_address_search(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _ADDRESS_SEARCH.SQLITE_SQL:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0001_initial'),
        ('registry', '0008_merge_household_kind_list_search_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='household',
            name='head_name',
            field=models.CharField(blank=True, db_default='', default='', max_length=60, verbose_name='户主姓名'),
        ),
        # Every household gets its head's name as it is now (one statement, both databases).
        migrations.RunSQL(
            "UPDATE registry_household SET head_name = COALESCE(("
            " SELECT name FROM registry_person WHERE registry_person.id = head_id), '')"
            " WHERE head_id IS NOT NULL",
            migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name='household',
            index=models.Index(fields=['head_name', 'region'], name='household_head_name'),
        ),
        migrations.RunPython(restore_address_search, migrations.RunPython.noop, elidable=False),
    ]
