"""Drop the `varchar_pattern_ops` copies Django adds to the ID-number and phone blind indexes.

A blind index (an HMAC of the number) is only ever looked up whole — `id_number_index = %s` —
never by prefix, so the `_like` index PostgreSQL gets for every indexed CharField serves no query.
At the `ningbo` scale they were the two largest indexes of the registry (609 MB and 506 MB), built
again after every seed (docs/synthetic_city.md). The plain and unique indexes stay. SQLite has no
such indexes; nothing to do there.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

COLUMNS = ("id_number_index", "phone_index")
TABLE = "registry_person"


def _like_name(schema_editor: Any, column: str) -> str:
    return str(schema_editor._create_index_name(TABLE, [column], suffix="_like"))


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_like_name(schema_editor, column)}"')


def restore(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_like_name(schema_editor, column)}" '
            f"ON {TABLE} ({column} varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_household_kind")]

    operations = [migrations.RunPython(drop, restore)]
