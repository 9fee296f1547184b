"""The worker inside a test: the test's transaction stays open, so the worker's per-loop
`close_old_connections` (which would drop a connection not in autocommit) is a no-op here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.payments.conftest import dibao_li, tekun_zhao

__all__ = ["dibao_li", "run_worker", "tekun_zhao"]


@pytest.fixture
def run_worker(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> Callable[[], int]:
    import django_tasks_db.management.commands.db_worker as db_worker

    from minzheng.jobs import runner

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(runner, "close_old_connections", lambda: None)

    def run() -> int:
        return runner.work(once=True, interval=0)

    return run
