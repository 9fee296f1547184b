"""Running a job: the `django.tasks` task the worker executes, progress, cancel, retry, recovery.

The task carries only the job's id. Whatever happens to a worker — a crash, `kill -9`, a restart —
the job row says what is left: a running job whose heartbeat is older than `STALE_AFTER` is put back
in the queue by the next worker (`recover_stale`), and because every kind is idempotent the second
run finishes the work without duplicate rows.
"""

from __future__ import annotations

import logging
import time
import traceback
from datetime import timedelta
from typing import Any

from django.db import close_old_connections, transaction
from django.tasks import task
from django.utils import timezone

from minzheng.core.errors import DomainError
from minzheng.jobs.kinds import kind_of
from minzheng.jobs.models import Job

log = logging.getLogger(__name__)

#: A running job that has not reported for this long belongs to a worker that died.
STALE_AFTER = timedelta(minutes=2)
#: Progress is written at most this often (seconds), so a fast loop does not flood the database.
PROGRESS_EVERY = 0.5


class JobCancelled(Exception):
    """Raised inside a job's progress callback once someone asked to cancel it."""


def enqueue(job: Job) -> None:
    """Hand the job to the worker once the transaction that made it commits."""

    def send() -> None:
        result = run_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))

    transaction.on_commit(send)


@task()
def run_job(job_id: int) -> str:
    """The worker's entry point (a `django.tasks` task)."""
    execute(job_id)
    return str(job_id)


def execute(job_id: int) -> Job | None:
    """Run one queued job to its end. Returns None when someone else has it or it is finished."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Job.Status.QUEUED:
            return None
        if job.cancel_requested:
            _finish(job, Job.Status.CANCELLED, message="已取消（未开始）")
            return job
        now = timezone.now()
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.message = "开始运行"
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "message"])
    kind = kind_of(job.kind)
    last = 0.0

    def progress(done: int, total: int, message: str) -> None:
        nonlocal last
        moment = time.monotonic()
        if moment - last < PROGRESS_EVERY and (total <= 0 or done < total):
            return
        last = moment
        Job.objects.filter(pk=job.pk).update(
            done=done, total=total, message=message[:200], heartbeat_at=timezone.now()
        )
        if Job.objects.filter(pk=job.pk, cancel_requested=True).exists():
            raise JobCancelled

    try:
        result = kind.run(job, job.started_by, progress)
    except JobCancelled:
        _finish(job, Job.Status.CANCELLED, message="已按要求取消")
    except DomainError as exc:
        _finish(job, Job.Status.FAILED, error=exc.message, message="失败")
    except Exception as exc:  # a job must end in a state a person can read, whatever broke
        log.exception("job %s failed", job.pk)
        _finish(
            job,
            Job.Status.FAILED,
            error=f"内部错误：{type(exc).__name__}",
            message="失败",
            trace=traceback.format_exc(),
        )
    else:
        _finish(job, Job.Status.SUCCEEDED, result=result, message="完成")
    job.refresh_from_db()
    return job


def _finish(
    job: Job,
    status: str,
    *,
    result: dict[str, Any] | None = None,
    error: str = "",
    message: str = "",
    trace: str = "",
) -> None:
    from minzheng.core import audit
    from minzheng.core.models import AuditEvent
    from minzheng.jobs.kinds import LABELS

    with transaction.atomic():
        fields: dict[str, Any] = {
            "status": status,
            "message": message,
            "error": error,
            "finished_at": timezone.now(),
        }
        if result is not None:
            fields["result"] = result
        if status == Job.Status.SUCCEEDED:
            fields["done"] = max(job.total, job.done, 1)
            fields["total"] = max(job.total, job.done, 1)
        Job.objects.filter(pk=job.pk).update(**fields)
        audit.record(
            None,
            AuditEvent.Action.UPDATE,
            "job",
            job.pk,
            summary=f"后台任务#{job.pk} {LABELS.get(job.kind, job.kind)} 结束：{Job.Status(status).label}",
            after={"status": status, "error": error, **({"trace": trace[-2000:]} if trace else {})},
            region_code=job.region_id,
        )


def recover_stale(now: Any = None, stale_after: timedelta = STALE_AFTER) -> int:
    """Put back in the queue every running job whose worker stopped reporting."""
    now = now or timezone.now()
    recovered = 0
    stale = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=now - stale_after)
    for job_id in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            updated = Job.objects.filter(
                pk=job_id, status=Job.Status.RUNNING, heartbeat_at__lt=now - stale_after
            ).update(status=Job.Status.QUEUED, message="工作进程中断，已重新排队")
            if updated:
                enqueue(Job.objects.get(pk=job_id))
                recovered += 1
    return recovered


def work(
    *,
    once: bool = False,
    interval: float = 2.0,
    stop: Any = None,
    schedules: bool = True,
    stale_after: timedelta = STALE_AFTER,
) -> int:
    """The worker loop: catch up schedules, recover stale jobs, run every ready task; repeat.
    `schedules=False` leaves the stored schedules alone (a test that only wants the queue run)."""
    from django.conf import settings

    from minzheng.jobs.schedules import tick

    ran = 0
    while True:
        close_old_connections()
        if schedules:
            tick()
        recover_stale(stale_after=stale_after)
        before = Job.objects.filter(finished_at__isnull=False).count()
        if settings.TASK_BROKER:
            _run_rq_burst()
        else:
            _run_db_batch(interval)
        ran += Job.objects.filter(finished_at__isnull=False).count() - before
        if once or (stop is not None and stop()):
            return ran
        time.sleep(interval)


def _run_rq_burst() -> None:
    """Every task waiting in Redis, through RQ's own worker (production broker)."""
    import django_rq
    from django_tasks_rq import Job as RQJob

    # SimpleWorker runs each task in this process (no fork), like the database worker does.
    django_rq.get_worker("default", job_class=RQJob, worker_class="rq.SimpleWorker").work(
        burst=True
    )


def _run_db_batch(interval: float) -> None:
    """Every ready task stored in the database (the embedded default)."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["default"],
        interval=interval,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="minzheng",
        excluded_queue_names=[],
    ).run()
