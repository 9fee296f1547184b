"""The production broker: the same job through Redis and RQ's worker instead of the database queue."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.tasks import task_backends

from minzheng.jobs.actions import do_start_job
from minzheng.jobs.models import Job
from minzheng.payments.models import Roll

pytestmark = pytest.mark.django_db

REDIS = ("127.0.0.1", 6379)


def _redis_up() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture
def redis_queue(settings: Any) -> Any:
    if not _redis_up():
        pytest.skip("本机没有运行 Redis")
    import django_rq

    url = "redis://127.0.0.1:6379/14"
    settings.TASK_BROKER = url
    settings.RQ_QUEUES = {"default": {"URL": url, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    django_rq.get_queue("default").empty()
    yield django_rq.get_queue("default")
    django_rq.get_queue("default").empty()


def test_a_roll_job_runs_through_redis(
    redis_queue: Any,
    dibao_li: Any,
    tekun_zhao: Any,
    approver_haishu: Any,
    run_worker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert type(task_backends["default"]).__name__ == "RQBackend"
    with django_capture_on_commit_callbacks(execute=True):
        job = do_start_job(approver_haishu, "roll", {"county": "330203000000", "month": "2020-03"})
    assert redis_queue.count == 1  # the task waits in Redis, not in the database queue
    assert run_worker() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result["inserted"] == 2
    assert Roll.objects.filter(county_id="330203000000").count() == 1
    assert redis_queue.count == 0
