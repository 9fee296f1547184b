"""The purge guard of the audit trail's database triggers (see core migration 0002)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def audit_purge_allowed() -> Iterator[None]:
    """Let this connection empty the audit table — for wiping a test database, nothing else."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('minzheng.audit_purge', 'on', false)")
        elif connection.vendor == "sqlite":
            cursor.execute("UPDATE core_audit_guard SET purge_allowed = 1")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('minzheng.audit_purge', 'off', false)")
            elif connection.vendor == "sqlite":
                cursor.execute("UPDATE core_audit_guard SET purge_allowed = 0")
