"""Warnings raised from the departmental feeds, the tasks they open, and the monthly runs."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.regions.models import Region
from minzheng.registry.models import Household, Person

USER = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    DEATH = "death", "死亡"
    IMPRISONMENT = "imprisonment", "服刑"
    HUKOU_MOVED_OUT = "hukou_moved_out", "户口迁出"
    VEHICLE = "vehicle", "新增车辆"
    PROPERTY = "property", "新增房产"
    BUSINESS = "business", "工商登记"
    INCOME_OVER_LINE = "income_over_line", "收入超过保障标准"
    DEPOSITS_OVER_LIMIT = "deposits_over_limit", "存款超过上限"
    HIGH_MEDICAL_COST = "high_medical_cost", "高额医疗费用"


class Severity(models.TextChoices):
    HIGH = "high", "红色（高）"
    MEDIUM = "medium", "橙色（中）"


class Action(models.TextChoices):
    STOP_PAYMENT = "stop_payment", "次月停发并追回多发"
    REVIEW = "review", "启动复核"
    GRADUAL_EXIT = "gradual_exit", "启动渐退"
    VISIT = "visit", "入户走访"


class Closure(models.TextChoices):
    CONFIRMED = "confirmed", "核实属实，已处理"
    FALSE_POSITIVE = "false_positive", "核实不实（误报）"
    NO_CHANGE = "no_change", "属实，不影响保障"
    HELPED = "helped", "已给予救助"


class WarningQuerySet(RegionScopedQuerySet["Warning"]):
    scope_field = "region_id"


class Warning(models.Model):
    """预警: a sourced finding about one person, with its rule, deadline and automatic action."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        CLOSED = "closed", "已办结"

    month = models.DateField("预警月份", db_index=True)
    kind = models.CharField("预警类型", max_length=30, choices=Kind.choices)
    severity = models.CharField("等级", max_length=10, choices=Severity.choices)
    id_number_index = models.CharField(max_length=64)
    id_number_masked = models.CharField("身份证号", max_length=18)
    id_number_cipher = models.TextField(blank=True)
    name = models.CharField("姓名", max_length=60, blank=True)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    ref = models.CharField("识别号", max_length=60, blank=True)
    source = models.CharField("数据来源", max_length=20)
    evidence = models.JSONField("证据")
    rule = models.CharField("规则与依据", max_length=400)
    action = models.CharField("自动处置", max_length=20, choices=Action.choices)
    action_result = models.CharField("处置结果", max_length=300, blank=True)
    deadline = models.DateField("办理期限", db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closure = models.CharField("办结原因", max_length=20, choices=Closure.choices, blank=True)
    closure_note = models.CharField("办结说明", max_length=300, blank=True)
    closed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[WarningQuerySet] = WarningQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "预警"
        ordering = ("-month", "deadline", "id")
        constraints: ClassVar = [
            # One warning per finding: a monitor run repeated for the month adds nothing.
            models.UniqueConstraint(
                fields=["kind", "id_number_index", "ref"], name="one_warning_per_finding"
            )
        ]
        indexes: ClassVar = [
            # The queue's figures (`queries.queue_stats`) read only this index: a region range,
            # grouped by kind, status and closure, overdue by deadline — no table rows.
            models.Index(
                fields=["region", "kind", "status", "closure", "deadline"],
                name="warning_queue_figures",
            ),
            # The queue's rows, by deadline, of one status (open by default): the first page
            # reads its rows in order instead of sorting every open warning in scope (at 1M,
            # 20,000 open warnings on six deadlines: 47 ms → about 1 ms for the city).
            models.Index(fields=["status", "deadline", "id"], name="warning_queue_order"),
            # The latest closure, a part of the key of the queue's cached figures.
            models.Index(fields=["closed_at"], name="warning_latest_closure"),
            # 预警处置's name search (a prefix) and its count read this range, not every open
            # warning in scope (at 1M: a 20 ms scan of 20,000 for the city's count).
            models.Index(
                fields=["name", "status"],
                name="warning_name_prefix",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.id_number_masked}"


class TaskQuerySet(RegionScopedQuerySet["Task"]):
    scope_field = "region_id"


class Task(models.Model):
    """A task a warning opens for a caseworker: 身后一件事 after a death, a home visit …"""

    class Kind(models.TextChoices):
        AFTER_DEATH = "after_death", "身后一件事"
        VISIT = "visit", "入户走访"

    class Status(models.TextChoices):
        OPEN = "open", "待办"
        DONE = "done", "已办"

    warning = models.OneToOneField(Warning, on_delete=models.PROTECT, related_name="task")
    kind = models.CharField("任务", max_length=20, choices=Kind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("期限")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.CharField("办理情况", max_length=300, blank=True)
    temporary_case_id = models.BigIntegerField("临时救助", null=True, blank=True)
    done_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[TaskQuerySet] = TaskQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "预警任务"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.warning_id}"


class MonitoringRun(models.Model):
    month = models.DateField("月份", db_index=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    found = models.PositiveIntegerField("发现", default=0)
    created = models.PositiveIntegerField("新增预警", default=0)
    by_kind = models.JSONField(default=dict, blank=True)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = "监测运行"
        ordering = ("-started_at",)

    def __str__(self) -> str:
        return f"监测 {self.month:%Y-%m}"
