"""An index for address fragments (`households_for`, `address LIKE '%…%'`), per database.

PostgreSQL: a pg_trgm GIN index, which serves `LIKE '%…%'` directly for fragments of three or more
characters (trigrams work for Chinese text under the C.UTF-8 ctype the databases are created with).
SQLite: an FTS5 `trigram` table over `registry_household.address`, kept in sync by triggers;
`registry.queries.households_for` narrows with it and still applies the LIKE, so results are the
LIKE's. A later migration that remakes `registry_household` on SQLite drops these triggers: it must
run `SQLITE_SQL` again (`households_for` falls back to the plain LIKE while they are missing).
Only indexes and triggers: no model state changes.
"""

from django.db import migrations

PG_SQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS registry_household_address_trgm "
    "ON registry_household USING gin (address gin_trgm_ops)",
]

PG_REVERSE = ["DROP INDEX IF EXISTS registry_household_address_trgm"]

SQLITE_SQL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS registry_household_address_fts USING fts5("
    "address, content='registry_household', content_rowid='id', tokenize='trigram')",
    "INSERT INTO registry_household_address_fts (registry_household_address_fts) "
    "VALUES ('rebuild')",
    """CREATE TRIGGER IF NOT EXISTS registry_household_address_fts_insert
       AFTER INSERT ON registry_household BEGIN
         INSERT INTO registry_household_address_fts (rowid, address)
         VALUES (new.id, new.address);
       END""",
    """CREATE TRIGGER IF NOT EXISTS registry_household_address_fts_delete
       AFTER DELETE ON registry_household BEGIN
         INSERT INTO registry_household_address_fts (registry_household_address_fts, rowid, address)
         VALUES ('delete', old.id, old.address);
       END""",
    """CREATE TRIGGER IF NOT EXISTS registry_household_address_fts_update
       AFTER UPDATE OF id, address ON registry_household BEGIN
         INSERT INTO registry_household_address_fts (registry_household_address_fts, rowid, address)
         VALUES ('delete', old.id, old.address);
         INSERT INTO registry_household_address_fts (rowid, address)
         VALUES (new.id, new.address);
       END""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS registry_household_address_fts_insert",
    "DROP TRIGGER IF EXISTS registry_household_address_fts_delete",
    "DROP TRIGGER IF EXISTS registry_household_address_fts_update",
    "DROP TABLE IF EXISTS registry_household_address_fts",
]


def _run(schema_editor, by_vendor):
    for statement in by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_SQL, "sqlite": SQLITE_SQL})


def backwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": PG_REVERSE, "sqlite": SQLITE_REVERSE})


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_history_change_requests")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
