"""`core.freshschema` builds the same database as running every migration (SQLite only)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.core.sqlite_schema import describe, seeded_rows
from tests.migrated_template import template_key

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the one-pass schema is for an empty SQLite file"
)

ROOT = Path(__file__).resolve().parents[2]
BUILD = """
import django
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from minzheng.core.freshschema import can_build_fresh
from minzheng.demo import migrate_from_cache
migrate_from_cache()
assert not can_build_fresh()
executor = MigrationExecutor(connection)
print(len(executor.migration_plan(executor.loader.graph.leaf_nodes())))
"""


@pytest.mark.django_db  # the test database is set up: migrated from scratch, or a kept copy
def test_the_demo_s_first_schema_is_what_every_migration_builds(tmp_path: Path) -> None:
    migrated = Path(settings.VAR_DIR) / f"test-migrated-{template_key()}.sqlite3"
    if not migrated.exists():
        pytest.skip("this run did not migrate a test database from scratch to compare with")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        MINZHENG_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="minzheng.settings",
        PYTHONPATH=str(ROOT / "src"),
    )
    done = subprocess.run(
        [sys.executable, "-c", BUILD], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0"]  # a later `migrate` finds nothing left to apply
    assert list(tmp_path.glob("migrated-*.sqlite3"))  # and the copy for the next --reset is kept

    with (
        closing(sqlite3.connect(migrated)) as one,
        closing(sqlite3.connect(tmp_path / "minzheng.sqlite3")) as other,
    ):
        expected, built = describe(one.cursor()), describe(other.cursor())
        assert sorted(built) == sorted(expected)
        assert [name for name in expected if built[name] != expected[name]] == []
        assert "trigger registry_household_address_fts_insert" in built  # RunPython ran
        tables = [name.removeprefix("table ") for name in expected if name.startswith("table ")]
        seeded = {t for t in tables if one.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]}
        assert {"django_migrations", "linkage_conflictrule", "auth_permission"} <= seeded
        for table in sorted(seeded):
            assert seeded_rows(other.cursor(), table) == seeded_rows(one.cursor(), table), table
