"""后台任务 and 定时计划: a long operation as a row the worker runs, with progress and its outcome.

A `Job` is what a person (or the schedule) asked for; the task framework (`django.tasks`, stored by
`django_tasks_db`) only carries its id to the worker. Progress, cancellation, retries and the result
live here, so a page can poll them and a restarted worker can pick up what a killed one left.
"""

from __future__ import annotations

from typing import Self

from django.db import models

from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import RegionScopedQuerySet, ScopedActor
from minzheng.regions.models import Region


class JobQuerySet(RegionScopedQuerySet["Job"]):
    def visible_to(self, actor: ScopedActor) -> Self:
        # The system administrator runs the platform's jobs; a job row holds no personal data.
        if actor.can(Capability.MANAGE_USERS):
            return self.all()
        return super().visible_to(actor)


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        SUCCEEDED = "succeeded", "已完成"
        FAILED = "failed", "失败"
        CANCELLED = "cancelled", "已取消"

    kind = models.CharField("任务类型", max_length=40)
    params = models.JSONField("参数", default=dict)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    schedule = models.ForeignKey(
        "Schedule", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    task_id = models.CharField("框架任务号", max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    done = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    message = models.CharField(max_length=200, blank=True)
    cancel_requested = models.BooleanField(default=False)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    upload = models.BinaryField(null=True, blank=True, editable=False)
    upload_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"{self.kind}#{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if self.total <= 0:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED, self.Status.CANCELLED)


class Schedule(models.Model):
    """A monthly, daily or interval job on a stored schedule: day of month (monthly) and hour,
    or every so many minutes; pausable, caught up once."""

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", "每月"
        DAILY = "daily", "每日"
        INTERVAL = "interval", "每隔数分钟"

    code = models.CharField("计划代码", max_length=40, unique=True)
    kind = models.CharField("任务类型", max_length=40)
    cadence = models.CharField("周期", max_length=10, choices=Cadence.choices, default="monthly")
    day_of_month = models.PositiveSmallIntegerField("每月几号", default=1)
    hour = models.PositiveSmallIntegerField("几点", default=2)
    every_minutes = models.PositiveSmallIntegerField("间隔分钟", null=True, blank=True)
    paused = models.BooleanField("已暂停", default=False)
    #: The month (YYYY-MM), the day (YYYY-MM-DD, daily) or the slot (YYYY-MM-DDTHH:MM, interval)
    #: last run.
    last_period = models.CharField("最近执行的周期", max_length=16, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
