"""The test database made from a copy of an earlier run's freshly migrated one, when nothing that
shapes it has changed since: running every migration costs 30–90 CPU seconds a pass (Django
re-renders the model states ~350 times), and a targeted run of one test file paid it every time.

The copy is keyed (`template_key`) by Django's version, every migration file's name and bytes,
the source of every `minzheng` module a migration names (the partition SQL, the catalogue a data
migration reads, the field classes) and today's date (PostgreSQL's month partitions are made up
to three months ahead of the day `migrate` runs). A change to any of them migrates from scratch
and keeps a new copy; `--create-db` always does. zulip keeps its test database template the same
way; the demo does it for its own SQLite file (`minzheng.demo.migrate_from_cache`).

- SQLite: the test file, copied right after `migrate` (before any test), is
  `VAR_DIR/test-migrated-<key>.sqlite3`; the next run copies it back and lets `migrate` find
  nothing to do.
- PostgreSQL: the test database, right after `migrate`, is copied into a database of its own,
  `<test database>_m<key>`, which the next run names as the template of its `CREATE DATABASE`.
  Only copies of this run's own test database name are created or dropped.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import django

SRC = Path(__file__).resolve().parent.parent / "src" / "minzheng"
_NAMED_MODULE = re.compile(r"\bminzheng(?:\.\w+)+")


def template_key(today: date | None = None, src: Path = SRC) -> str:
    """16 hex digits over everything that decides what a fresh `migrate` builds."""
    digest = hashlib.sha256(django.get_version().encode())
    digest.update((today or date.today()).isoformat().encode())
    named: set[Path] = set()
    for path in sorted(src.glob("*/migrations/*.py")):
        text = path.read_bytes()
        digest.update(str(path.relative_to(src)).encode())
        digest.update(text)
        for module in _NAMED_MODULE.findall(text.decode("utf-8", "replace")):
            parts = module.split(".")[1:]
            while parts:
                candidate = src.joinpath(*parts).with_suffix(".py")
                if candidate.exists():
                    named.add(candidate)
                    break
                parts = parts[:-1]  # `minzheng.core.models.Field`: the module is core/models.py
    for path in sorted(named):
        digest.update(str(path.relative_to(src)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Template:
    """The kept copy of a freshly migrated test database for one connection."""

    def __init__(self, connection: Any, key: str) -> None:
        self.connection = connection
        self.key = key
        self.vendor = connection.vendor
        self.test_name = connection.creation._get_test_db_name()

    @classmethod
    def for_connection(cls, connection: Any) -> Template | None:
        if connection.vendor not in ("sqlite", "postgresql"):
            return None
        if connection.vendor == "sqlite" and connection.creation.is_in_memory_db(
            connection.creation._get_test_db_name()
        ):
            return None
        return cls(connection, template_key())

    # -- SQLite ---------------------------------------------------------------------------------
    def _file(self) -> Path:
        from django.conf import settings

        return Path(settings.VAR_DIR) / f"test-migrated-{self.key}.sqlite3"

    # -- PostgreSQL -----------------------------------------------------------------------------
    def _database(self) -> str:
        return f"{self.test_name}_m{self.key}"

    def _databases_like_ours(self, cursor: Any) -> list[str]:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            [self.test_name.replace("_", r"\_") + r"\_m%"],
        )
        pattern = re.compile(re.escape(self.test_name) + r"_m[0-9a-f]{16}")
        return [name for (name,) in cursor.fetchall() if pattern.fullmatch(name)]

    def restore(self) -> bool:
        """Prepare the test database to be made from the copy; False when there is none. On
        SQLite the caller then sets the database up with `keepdb=True` (the file is there)."""
        if self.vendor == "sqlite":
            kept = self._file()
            if not kept.exists():
                return False
            target = Path(self.test_name)
            for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
                leftover.unlink(missing_ok=True)
            shutil.copyfile(kept, target)
            return True
        with self.connection._nodb_cursor() as cursor:
            if self._database() not in self._databases_like_ours(cursor):
                return False
        self.connection.settings_dict["TEST"]["TEMPLATE"] = self._database()
        return True

    def forget(self) -> None:
        """After the run: later connections made from these settings name no template."""
        if self.vendor == "postgresql":
            self.connection.settings_dict["TEST"].pop("TEMPLATE", None)

    def save(self) -> None:
        """Keep a copy of the test database as `migrate` left it (call before any test runs),
        replacing copies made under another key."""
        if self.vendor == "sqlite":
            kept = self._file()
            for stale in kept.parent.glob("test-migrated-*.sqlite3"):
                stale.unlink(missing_ok=True)
            partial = kept.with_suffix(".part")
            with (
                closing(sqlite3.connect(self.test_name)) as source,
                closing(sqlite3.connect(partial)) as copy,
            ):
                source.backup(copy)  # consistent even with the WAL file beside it
            partial.replace(kept)
            return
        # CREATE DATABASE … TEMPLATE needs the source without other sessions: ours closes.
        self.connection.close()
        with self.connection._nodb_cursor() as cursor:
            for stale in self._databases_like_ours(cursor):
                cursor.execute(f'DROP DATABASE IF EXISTS "{stale}"')
            cursor.execute(f'CREATE DATABASE "{self._database()}" TEMPLATE "{self.test_name}"')
