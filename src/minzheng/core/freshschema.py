"""A fresh, empty SQLite database given the migrated schema in one pass, instead of replaying
every migration one by one (`minzheng demo` on a new `var/`).

`migrate` on SQLite renders the historical models again after almost every operation and remakes
a table for each altered column: about 20 s for this project's migrations on a new database. The
schema those migrations end in is the current models' (`makemigrations --check` holds that in CI),
so a new database can be made from them directly, the way Django's own `--run-syncdb` makes the
tables of an app without migrations:

1. every table, index and constraint is created from the final migration state's models;
2. this project's migrations' SQL and Python operations (`RunSQL`, `RunPython`: the audit
   trail's append-only triggers, the address search's FTS table, seeded rows) run in migration
   order, on the final models — each was written to be re-runnable and, on an empty database,
   touches no row that a later migration reshapes. Other packages' (Django's, django-tasks')
   are data migrations of rows an empty database does not have, written against their historical
   models, and are not run;
3. every migration is recorded as applied, so a later `migrate` applies only newer ones.

`tests/core/test_freshschema.py` builds a database both ways and compares every table's columns,
indexes, foreign keys, triggers and rows, so a migration that this shortcut would build differently
fails the suite rather than the demo. Anything else than an empty SQLite database migrates as
usual.
"""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations.special import RunPython, RunSQL
from django.db.migrations.recorder import MigrationRecorder


def can_build_fresh() -> bool:
    """Only an empty SQLite database: no table at all, not even django_migrations."""
    return connection.vendor == "sqlite" and not connection.introspection.table_names()


def build_fresh_schema() -> int:
    """Create the migrated schema of an empty SQLite database; the number of migrations recorded.

    Runs in one transaction: an operation that fails raises and leaves the database empty (a
    `minzheng demo --reset` then starts again from nothing)."""
    executor = MigrationExecutor(connection)
    loader = executor.loader
    plan = executor.migration_plan(loader.graph.leaf_nodes(), clean_start=True)
    state = loader.project_state()
    apps = state.apps
    with connection.schema_editor(atomic=True) as editor:
        for model in apps.get_models(include_auto_created=False):
            if model._meta.managed and not model._meta.proxy:
                editor.create_model(model)  # its many-to-many tables with it
        for migration, _backwards in plan:
            if not type(migration).__module__.startswith("minzheng."):
                continue  # another package's data migrations reshape rows an empty database lacks
            for operation in migration.operations:
                if isinstance(operation, (RunSQL, RunPython)):
                    operation.database_forwards(migration.app_label, editor, state, state)
        recorder = MigrationRecorder(connection)
        recorder.ensure_schema()
        recorder.Migration.objects.bulk_create(
            [recorder.Migration(app=m.app_label, name=m.name) for m, _ in plan]
        )
    return len(plan)
