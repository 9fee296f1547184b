"""Household.kind gets a database default (家庭户): a row written by raw SQL without the column —
the benchmarks' COPY of synthetic households — is a family household instead of a NOT NULL error.

Altering the column remakes `registry_household` on SQLite, which drops the address search's FTS
triggers: they are created again here by migration 0009's own function.
"""

import importlib

from django.db import migrations, models

# The same restore as migration 0009's, called again after this remake.
restore_address_search = importlib.import_module(
    "minzheng.registry.migrations.0009_household_head_name"
).restore_address_search


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0009_household_head_name'),
    ]

    operations = [
        migrations.AlterField(
            model_name='household',
            name='kind',
            field=models.CharField(choices=[('family', '家庭户'), ('collective', '集体户')], db_default='family', default='family', max_length=12, verbose_name='户别'),
        ),
        migrations.RunPython(restore_address_search, migrations.RunPython.noop, elidable=False),
    ]
