"""Ability assessments (老年人能力评估) kept with their history: every assessment is a new row with
its item scores, the assessor, the parameter versions used and the date the next one is due.

The 高龄津贴 needs no table of its own: it is an `assistance.Enrolment` of programme `gaoling` with
dated `EnrolmentAmount` rows, paid by the monthly roll like every other enrolment."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.eldercare.rules import LEVEL_LABELS, TEKUN_CARE_LABELS
from minzheng.regions.models import Region
from minzheng.registry.models import Person

LEVEL_CHOICES = list(LEVEL_LABELS.items())


class AssessmentQuerySet(RegionScopedQuerySet["Assessment"]):
    scope_field = "region_id"


class Assessment(models.Model):
    class Reason(models.TextChoices):
        FIRST = "first", "首次评估"
        ROUTINE = "routine", "常规复评"
        CHANGE = "change", "状况变化复评"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        Region, verbose_name="居住地区划", on_delete=models.PROTECT, related_name="+"
    )
    assessed_on = models.DateField("评估日期")
    reason = models.CharField("评估原因", max_length=10, choices=Reason.choices)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="评估员"
    )
    second_assessor = models.CharField("第二评估员", max_length=60, blank=True)
    item_scores = models.JSONField("各项得分")  # {"B.1.1": 4, …}
    self_care_score = models.PositiveSmallIntegerField("自理能力得分")
    movement_score = models.PositiveSmallIntegerField("基础运动能力得分")
    mental_score = models.PositiveSmallIntegerField("精神状态得分")
    perception_score = models.PositiveSmallIntegerField("感知觉与社会参与得分")
    total = models.PositiveSmallIntegerField("总分")
    preliminary_level = models.CharField("初步等级", max_length=10, choices=LEVEL_CHOICES)
    level = models.CharField("能力等级", max_length=10, choices=LEVEL_CHOICES, db_index=True)
    coma = models.BooleanField("昏迷", default=False)
    dementia = models.BooleanField("确诊痴呆", default=False)
    mental_disorder = models.BooleanField("其他精神和行为障碍", default=False)
    risk_events = models.JSONField("照护风险事件", default=list)  # [["fall", "2024-05-01"], …]
    adjustments = models.JSONField("等级变更", default=list)
    tekun_care_level = models.CharField(
        "特困照料护理等级建议", max_length=10, choices=list(TEKUN_CARE_LABELS.items())
    )
    explanation = models.JSONField("评定说明")
    parameter_versions = models.JSONField("参数版本", default=list)
    next_due = models.DateField("下次复评日期", db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[AssessmentQuerySet] = AssessmentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "老年人能力评估"
        ordering = ("-assessed_on", "-id")
        indexes: ClassVar = [models.Index(fields=["person", "assessed_on"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.assessed_on}"


# ── 助餐 (meal assistance) ────────────────────────────────────────────────────────────────────


class MealPointQuerySet(RegionScopedQuerySet["MealPoint"]):
    scope_field = "region_id"


class MealPoint(models.Model):
    """A 助餐点 (canteen or delivery point) serving one village or community."""

    name = models.CharField("助餐点名称", max_length=100)
    region = models.ForeignKey(
        Region, verbose_name="所在村（社区）", on_delete=models.PROTECT, related_name="+"
    )
    operator = models.CharField("运营主体", max_length=100, blank=True)
    active = models.BooleanField("运营中", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[MealPointQuerySet] = MealPointQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "助餐点"
        ordering = ("region_id", "name")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["region", "name"], name="one_meal_point_name_per_village"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MealRecordQuerySet(RegionScopedQuerySet["MealRecord"]):
    scope_field = "region_id"  # the meal point's village: its area's staff keep and settle it


class MealRecord(models.Model):
    """The meals one person had at one point on one day, with the subsidy decided then."""

    point = models.ForeignKey(MealPoint, on_delete=models.PROTECT, related_name="records")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    day = models.DateField("就餐日期")
    meals = models.PositiveSmallIntegerField("餐次")
    category = models.CharField("补贴类别", max_length=10)
    subsidy_per_meal = models.DecimalField("每餐补贴", max_digits=8, decimal_places=2)
    subsidy = models.DecimalField("补贴金额", max_digits=10, decimal_places=2)
    parameter_versions = models.JSONField("参数版本", default=list)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    statement = models.ForeignKey(
        "MealStatement", null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[MealRecordQuerySet] = MealRecordQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "就餐记录"
        ordering = ("-day", "-id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["point", "person", "day"], name="one_meal_record_per_person_day"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["point", "day"])]

    def __str__(self) -> str:
        return f"{self.point_id} {self.person_id} {self.day}"


class MealStatement(models.Model):
    """A meal point's month, confirmed by the county: the subsidy owed becomes a ledger payable."""

    point = models.ForeignKey(MealPoint, on_delete=models.PROTECT, related_name="statements")
    month = models.DateField("结算月份")
    meals = models.PositiveIntegerField("餐次合计")
    diners = models.PositiveIntegerField("就餐人数")
    total = models.DecimalField("补贴合计", max_digits=14, decimal_places=2)
    payment_line_id = models.BigIntegerField("台账分录", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField("确认时间", auto_now_add=True)

    class Meta:
        verbose_name = "助餐点月结单"
        ordering = ("-month", "point")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["point", "month"], name="one_meal_statement_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.month:%Y-%m}"
