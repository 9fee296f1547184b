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
