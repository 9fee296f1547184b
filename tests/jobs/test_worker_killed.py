"""`kill -9` the worker in the middle of a roll, start another: the job finishes with every line
once. A real process, a real signal — the roll runs one enrolment per transaction with a pause, so
the kill lands after some chunks have committed and before the last."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from typing import Any

import pytest
from django.db import connection

from minzheng.core.idnumber import check_digit
from minzheng.jobs.actions import do_start_job
from minzheng.jobs.models import Job
from minzheng.payments.models import PaymentLine, Roll
from tests.payments.conftest import enrol, person_household

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

HOUSEHOLDS = 60


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


def _worker(*extra: str) -> list[str]:
    return [sys.executable, "-m", "minzheng.cli", "worker", "--no-schedules", *extra]


def _lines() -> int:
    return PaymentLine.objects.count()


def test_kill_9_mid_roll_and_the_next_worker_finishes_it_with_no_duplicates(
    approver_haishu: Any,
) -> None:
    for n in range(HOUSEHOLDS):
        first17 = f"33020319500101{n:03d}"
        household = person_household(
            "330203001001", f"测试{n:03d}", first17 + check_digit(first17), date(1950, 1, 1)
        )
        enrol(household, "tekun", "2020-03", "1000.00")
    job = do_start_job(
        approver_haishu,
        "roll",
        {"county": "330203000000", "month": "2020-03", "chunk_size": 1, "pause": 0.1},
    )
    env = {**os.environ, "DATABASE_URL": _database_url()}

    worker = subprocess.Popen(
        _worker("--interval", "0.2"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 120
        while _lines() < 5:
            assert worker.poll() is None, worker.stderr.read().decode() if worker.stderr else ""
            assert time.monotonic() < deadline, "the worker never started the roll"
            time.sleep(0.05)
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL

    at_kill = _lines()
    job.refresh_from_db()
    assert 5 <= at_kill < HOUSEHOLDS  # killed mid-task: some chunks committed, not all
    assert job.status == Job.Status.RUNNING and job.attempts == 1
    assert Roll.objects.get().completed_at is None  # an unfinished roll cannot be approved

    # The next worker sees the heartbeat stop, puts the job back in the queue and runs it again.
    time.sleep(1.5)
    finished = subprocess.run(
        _worker("--once", "--interval", "0.2", "--stale-after", "1"),
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr.decode()

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2
    roll = Roll.objects.get()
    assert roll.completed_at is not None and job.result["roll"] == roll.pk
    # Every enrolment paid for March, once (the second attempt hit no idempotency key twice).
    assert _lines() == HOUSEHOLDS
    assert PaymentLine.objects.values("source_id").distinct().count() == HOUSEHOLDS
    assert job.result["inserted"] == HOUSEHOLDS - at_kill  # the second attempt added only the rest
