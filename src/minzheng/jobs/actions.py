"""Starting, cancelling and retrying jobs; pausing schedules. Each is permission-checked and audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.jobs.kinds import KINDS, check_params, kind_of
from minzheng.jobs.models import Job, Schedule
from minzheng.jobs.runner import enqueue
from minzheng.regions.models import Region

#: Uploads a job may carry (the household import's workbook or CSV).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def do_start_job(
    actor: User,
    kind_code: str,
    params: dict[str, Any],
    *,
    upload: bytes | None = None,
    upload_name: str = "",
) -> Job:
    """Queue a job for the worker. The parameters are checked now, so a bad month or county is a
    Chinese refusal on the page that asked, not a failed job later."""
    kind = kind_of(kind_code)
    if not kind.startable_by(actor):
        raise PermissionDenied("您的角色无权启动此后台任务")
    check_params(kind, params)
    region_code = kind.region(params)
    if kind.capability != Capability.MANAGE_USERS and not actor.covers(region_code):
        if region_code == "330200000000":
            region_code = actor.region_id  # a city-wide kind run by a county: its own county
        else:
            raise PermissionDenied("只能为本辖区启动后台任务")
    if upload is not None and len(upload) > MAX_UPLOAD_BYTES:
        raise ValidationFailed("文件过大（上限 20 MB）")
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind.code,
            params=params,
            region=Region.objects.get(pk=region_code),
            started_by=actor,
            upload=upload,
            upload_name=upload_name[:200],
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "job",
            job.pk,
            summary=f"启动后台任务#{job.pk}：{kind.label}",
            after={"kind": kind.code, "params": params},
            region_code=region_code,
        )
        enqueue(job)
    return job


def start_system_job(
    kind_code: str, params: dict[str, Any], *, schedule: Schedule | None, queue: bool = True
) -> Job:
    """A job the schedule (or the system) starts, with no person. Called inside the caller's
    transaction; `queue=False` leaves it for the caller to run in-process (`run_system_job`)."""
    kind = kind_of(kind_code)
    job = Job.objects.create(
        kind=kind.code,
        params=params,
        region=Region.objects.get(pk=kind.region(params)),
        schedule=schedule,
    )
    audit.record(
        None,
        AuditEvent.Action.CREATE,
        "job",
        job.pk,
        summary=(
            f"{f'定时计划 {schedule.code}' if schedule else '系统'}启动后台任务#{job.pk}：{kind.label}"
        ),
        after={"kind": kind.code, "params": params},
        region_code=job.region_id,
    )
    if queue:
        enqueue(job)
    return job


def run_system_job(kind_code: str, params: dict[str, Any]) -> Job:
    """Run a system job here and now, through the same runner the worker uses (the demo's set-up,
    which must not wait for a worker): the job row, its progress, result and audit are the same."""
    from minzheng.jobs.runner import execute

    with transaction.atomic():
        job = start_system_job(kind_code, params, schedule=None, queue=False)
    execute(job.pk)
    job.refresh_from_db()
    return job


def _visible(actor: User, job_id: int) -> Job:
    return Job.objects.get_visible(actor, pk=job_id)


def do_cancel_job(actor: User, job_id: int, *, reason: str) -> Job:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("请填写取消原因")
    with transaction.atomic():
        job = Job.objects.visible_to(actor).select_for_update().filter(pk=job_id).first()
        if job is None:
            job = _visible(actor, job_id)  # raises NotFound
        if job.finished:
            raise ValidationFailed("任务已结束，无法取消")
        if job.started_by_id != actor.pk and not actor.can(Capability.MANAGE_USERS):
            raise PermissionDenied("只能取消自己启动的任务")
        job.cancel_requested = True
        job.save(update_fields=["cancel_requested"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "job",
            job.pk,
            summary=f"要求取消后台任务#{job.pk}：{reason}",
            after={"cancel_requested": True, "reason": reason},
            region_code=job.region_id,
        )
    return job


def do_retry_job(actor: User, job_id: int) -> Job:
    """A failed or cancelled job runs again, as a new attempt of the same row (its kinds are
    idempotent, so what the first attempt made is not made twice)."""
    with transaction.atomic():
        job = Job.objects.visible_to(actor).select_for_update().filter(pk=job_id).first()
        if job is None:
            job = _visible(actor, job_id)
        if job.status not in (Job.Status.FAILED, Job.Status.CANCELLED):
            raise ValidationFailed("只有失败或已取消的任务可以重试")
        kind = KINDS[job.kind]
        if not kind.startable_by(actor):
            raise PermissionDenied("您的角色无权重试此后台任务")
        job.status = Job.Status.QUEUED
        job.cancel_requested = False
        job.error = ""
        job.message = "已重新排队"
        job.finished_at = None
        job.save(update_fields=["status", "cancel_requested", "error", "message", "finished_at"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "job",
            job.pk,
            summary=f"重试后台任务#{job.pk}",
            region_code=job.region_id,
        )
        enqueue(job)
    return job


def do_set_schedule_paused(actor: User, schedule_id: int, *, paused: bool, reason: str) -> Schedule:
    if not actor.can(Capability.MANAGE_USERS):
        raise PermissionDenied("只有系统管理员可以暂停或恢复定时计划")
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("请填写原因")
    with transaction.atomic():
        schedule = Schedule.objects.select_for_update().filter(pk=schedule_id).first()
        if schedule is None:
            raise ValidationFailed("定时计划不存在")
        schedule.paused = paused
        schedule.save(update_fields=["paused"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "schedule",
            schedule.pk,
            summary=f"{'暂停' if paused else '恢复'}定时计划 {schedule.code}：{reason}",
            after={"paused": paused, "reason": reason},
        )
    return schedule
