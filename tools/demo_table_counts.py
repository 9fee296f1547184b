"""Row counts of every table of a built demo database, one `table count` line each, sorted.

    .venv/bin/python tools/demo_table_counts.py var/minzheng.sqlite3 > /tmp/before.txt
    … change the seed, rebuild with `minzheng demo --reset --no-serve` …
    .venv/bin/python tools/demo_table_counts.py var/minzheng.sqlite3 | diff /tmp/before.txt -

A change that only makes the demo faster must leave this diff empty (issue #14).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from contextlib import closing


def table_counts(path: str) -> list[tuple[str, int]]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return [
            (name, db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]) for name in names
        ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", help="the demo's SQLite file (var/minzheng.sqlite3)")
    args = parser.parse_args()
    for name, count in table_counts(args.database):
        print(f"{name} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
