"""Month-end snapshots: each month's figures frozen, so a report can be reproduced exactly later."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from minzheng.regions.models import Region


class ClosedMonth(models.Model):
    """A month whose figures are frozen. Reopening (audited) lets a rerun change them."""

    month = models.DateField("统计月份", unique=True)
    closed_at = models.DateTimeField("关账时间")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopened = models.BooleanField("已重新打开", default=False)

    class Meta:
        verbose_name = "已关账月份"

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class RegionFigures(models.Model):
    """One region's indicators (indicator code → value, money as text with two decimals): the
    layout a closed month's snapshot and an open month's kept figures share."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    figures = models.JSONField("指标")

    class Meta:
        abstract = True


class MonthlyFigures(RegionFigures):
    """One region's indicators for one month, as frozen at month end."""

    month = models.DateField("统计月份")
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "月度统计快照"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["region", "month"], name="one_snapshot_per_region_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.month:%Y-%m}"


class ProvisionalMonth(models.Model):
    """An open (not closed) month's figures as last computed. Pages read them whatever their age
    (stale-while-revalidate, dashboard/freshness.py): a write that changes the month sets
    `stale_since`, and the statistics_refresh job computes the month again. Not a snapshot:
    closing the month computes afresh, and a closed month never reads these."""

    month = models.DateField("统计月份", unique=True)
    computed_at = models.DateTimeField("计算时间")
    stale_since = models.DateTimeField("数据变动时间", null=True, blank=True)

    class Meta:
        verbose_name = "未关账月份统计（临时）"

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} @ {self.computed_at:%H:%M}"


class ProvisionalFigures(RegionFigures):
    """One region's figures in a ProvisionalMonth."""

    computed = models.ForeignKey(ProvisionalMonth, on_delete=models.CASCADE, related_name="rows")

    class Meta:
        verbose_name = "未关账月份区划统计（临时）"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["computed", "region"], name="one_provisional_row_per_region"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.computed}"


class RegionCount(models.Model):
    """Persons and households registered in one region (as their rows' region), counted by one
    grouped query for the workbench and kept; the statistics_refresh job counts again once they
    are older than settings.STATISTICS_MAX_AGE_SECONDS."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="+")
    persons = models.PositiveIntegerField("在册人员", default=0)
    households = models.PositiveIntegerField("家庭户", default=0)
    counted_at = models.DateTimeField("统计时间")

    class Meta:
        verbose_name = "区划在册人数（临时）"

    def __str__(self) -> str:
        return f"{self.region_id} {self.persons}"
