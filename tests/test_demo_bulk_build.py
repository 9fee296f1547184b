"""While the demo builds, SQLite skips the disk waits; serving gets settings.py's pragmas back."""

from __future__ import annotations

import pytest
from django.db import connection

from minzheng.demo import sqlite_bulk_build

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the pragmas are SQLite's; another engine is untouched"
)

OFF, NORMAL = 0, 1


def _pragma(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return int(cursor.fetchone()[0])


def test_the_build_runs_without_syncs_and_serving_syncs_again(transactional_db: None) -> None:
    assert _pragma("synchronous") == NORMAL
    with sqlite_bulk_build():
        assert _pragma("synchronous") == OFF
        assert _pragma("cache_size") == -131072
    assert _pragma("synchronous") == NORMAL
    assert _pragma("cache_size") == -2000


def test_a_connection_opened_during_the_build_gets_the_bulk_pragmas(transactional_db: None) -> None:
    with sqlite_bulk_build():
        connection.close()
        assert _pragma("synchronous") == OFF
    assert _pragma("synchronous") == NORMAL
