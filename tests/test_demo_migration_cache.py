"""The demo keeps an empty migrated SQLite file in var/, keyed by a hash of the migrations, so a
`--reset` copies it instead of running every migration again (`demo.migrate_from_cache`)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from minzheng import demo
from minzheng.core import freshschema


def _rows(path: Path) -> list[tuple[str]]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT name FROM django_migrations ORDER BY name").fetchall()


@pytest.fixture
def fake_migrate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[bool]]:
    """A demo database in tmp_path, a `migrate` that records whether the file was there already
    and, on an empty file, writes one applied migration, and a one-pass schema
    (`core.freshschema`) that records "built" and writes the same."""
    target = tmp_path / "demo.sqlite3"
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(target)}
    monkeypatch.setattr(
        demo, "settings", SimpleNamespace(DATABASES={"default": database}, VAR_DIR=tmp_path)
    )
    monkeypatch.setattr(demo, "connection", SimpleNamespace(close=lambda: None))
    found: list[bool] = []

    def migrate(*args: Any, **kwargs: Any) -> None:
        found.append(target.exists())
        with closing(sqlite3.connect(target)) as db:
            db.execute("CREATE TABLE IF NOT EXISTS django_migrations (name TEXT)")
            if not db.execute("SELECT 1 FROM django_migrations").fetchone():
                db.execute("INSERT INTO django_migrations VALUES ('0001_initial')")
            db.commit()

    monkeypatch.setattr(demo, "call_command", migrate)

    def tables() -> bool:
        with closing(sqlite3.connect(target)) as db:
            return bool(db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'").fetchone())

    def build() -> int:  # core.freshschema on the empty file: what `migrate` would write
        found.append("built")
        migrate()
        found.pop()
        return 1

    monkeypatch.setattr(freshschema, "can_build_fresh", lambda: not tables())
    monkeypatch.setattr(freshschema, "build_fresh_schema", build)
    return target, found


def test_a_reset_copies_the_migrated_schema_and_migrates_nothing_more(
    fake_migrate: tuple[Path, list[bool]], tmp_path: Path
) -> None:
    target, found = fake_migrate
    demo.migrate_from_cache()
    cache = tmp_path / f"migrated-{demo.migrations_hash()}.sqlite3"
    # No copy yet: the schema in one pass, then `migrate` (nothing left), then the copy kept.
    assert found == ["built", True] and _rows(cache) == [("0001_initial",)]
    target.unlink()  # --reset
    demo.migrate_from_cache()
    assert found == ["built", True, True]  # the copy was there before migrate ran, nothing built
    assert _rows(target) == [("0001_initial",)]
    # A database that exists already migrates in place; the cached copy is left as it was.
    kept = cache.stat().st_mtime_ns
    demo.migrate_from_cache()
    assert found == ["built", True, True, True] and cache.stat().st_mtime_ns == kept
    # An empty file left by a build that failed is built again, like a missing one.
    target.unlink()
    target.touch()  # an empty SQLite file
    cache.unlink()
    demo.migrate_from_cache()
    assert found[-2:] == ["built", True] and _rows(target) == [("0001_initial",)]


def test_changed_migrations_replace_the_cached_copy(
    fake_migrate: tuple[Path, list[bool]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, found = fake_migrate
    demo.migrate_from_cache()
    monkeypatch.setattr(demo, "migrations_hash", lambda: "0" * 16)
    target.unlink()
    demo.migrate_from_cache()
    assert found == ["built", True, "built", True]  # a new hash: nothing to copy, built again
    assert [p.name for p in tmp_path.glob("migrated-*")] == ["migrated-0000000000000000.sqlite3"]


def test_the_hash_follows_the_migration_files_and_djangos_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import django

    first = demo.migrations_hash()
    assert first == demo.migrations_hash() and len(first) == 16
    monkeypatch.setattr(django, "get_version", lambda: "0.0")
    assert demo.migrations_hash() != first
