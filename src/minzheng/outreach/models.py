"""大排摸 survey campaigns: the target list picked by rules, each household's village assistant,
and the visit outcome."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.regions.models import Region
from minzheng.registry.models import Household, Person

USER = settings.AUTH_USER_MODEL


class Reason(models.TextChoices):
    DIBIAN = "dibian", "低保边缘"
    HIGH_MEDICAL = "high_medical", "高额医疗费用"
    SEVERE_DISABILITY = "severe_disability", "重度残疾"
    ELDERLY_ALONE = "elderly_alone", "独居老人"
    RECENT_EXIT = "recent_exit", "近期退出保障"


class Outcome(models.TextChoices):
    NO_NEED = "no_need", "无需救助"
    REFERRED = "referred", "转介帮扶"
    APPLIED = "applied", "已引导申请"
    NEWLY_COVERED = "newly_covered", "新纳入保障"


class CampaignQuerySet(RegionScopedQuerySet["Campaign"]):
    scope_field = "region_id"


class Campaign(models.Model):
    name = models.CharField("排摸名称", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    rules = models.JSONField("排摸对象条件", default=list)
    started_on = models.DateField("开始日期")
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects: ClassVar[CampaignQuerySet] = CampaignQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "大排摸"
        ordering = ("-started_on", "-id")

    def __str__(self) -> str:
        return self.name


class TargetQuerySet(RegionScopedQuerySet["Target"]):
    scope_field = "region_id"


class Target(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="targets")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    reasons = models.JSONField("列入原因", default=list)
    assigned_to = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField("走访结果", max_length=20, choices=Outcome.choices, blank=True)
    visited_on = models.DateField("走访日期", null=True, blank=True)
    note = models.CharField("走访情况", max_length=300, blank=True)

    objects: ClassVar[TargetQuerySet] = TargetQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "排摸对象"
        ordering = ("region_id", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["campaign", "person"], name="one_target_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.person_id}"
