"""A comparable description of a SQLite database's schema: what `tests/core/test_freshschema.py`
holds equal between a migrated database and one built by `core.freshschema`.

Two things that differ between the two ways and that nothing reads are left out: the order of a
table's columns (a migration that remakes a table puts an added column where its model state
has it; Django names every column it reads or writes), and the generated names of the indexes
Django makes for foreign keys (`<table>_<column>_<hash>`: a renamed model keeps its old ones).
"""

from __future__ import annotations

import re
from typing import Any

Rows = list[tuple[Any, ...]]
GENERATED_NAME = re.compile(r"_[0-9a-f]{8}$")


def _rows(cursor: Any, sql: str) -> Rows:
    cursor.execute(sql)
    return [tuple(row) for row in cursor.fetchall()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fold(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


def _indexes(cursor: Any, table: str, sql_of: dict[str, str]) -> list[tuple[Any, ...]]:
    found = []
    for _seq, index, unique, origin, partial in _rows(
        cursor, f"PRAGMA index_list({_quote(table)})"
    ):
        columns = tuple(row[2] for row in _rows(cursor, f"PRAGMA index_info({_quote(index)})"))
        where = _fold(sql_of.get(index, "")).partition(" WHERE ")[2]
        name = "" if origin != "c" or GENERATED_NAME.search(index) else index
        found.append((columns, unique, origin, partial, where, name))
    return sorted(found)


def describe(cursor: Any) -> dict[str, Any]:
    """Every table's columns, indexes (columns, uniqueness, condition, chosen name) and foreign
    keys, and every trigger's and view's SQL with its whitespace folded."""
    entries = _rows(
        cursor,
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'",
    )
    sql_of = {name: sql for kind, name, _table, sql in entries if kind == "index" and sql}
    schema: dict[str, Any] = {}
    for kind, name, table, sql in entries:
        if kind == "table":
            schema[f"table {name}"] = {
                "columns": sorted(
                    (row[1], *row[2:])
                    for row in _rows(cursor, f"PRAGMA table_xinfo({_quote(name)})")
                ),
                "indexes": _indexes(cursor, name, sql_of),
                "foreign keys": sorted(
                    row[2:5] for row in _rows(cursor, f"PRAGMA foreign_key_list({_quote(name)})")
                ),
                "sql": _fold(sql) if sql and "VIRTUAL TABLE" in sql else "",
            }
        elif kind in ("trigger", "view"):
            schema[f"{kind} {name}"] = (table, _fold(sql))
    return schema


def seeded_rows(cursor: Any, table: str) -> set[tuple[Any, ...]]:
    """A table's rows as a set, without ids and the keys that point at ids (ids depend on the
    order rows were written) or the time a migration was applied."""
    columns = [row[1] for row in _rows(cursor, f"PRAGMA table_info({_quote(table)})")]
    kept = sorted(c for c in columns if c != "id" and not c.endswith("_id") and c != "applied")
    if not kept:
        return {(count,) for (count,) in _rows(cursor, f"SELECT COUNT(*) FROM {_quote(table)}")}
    listed = ", ".join(_quote(c) for c in kept)
    return set(_rows(cursor, f"SELECT {listed} FROM {_quote(table)}"))
