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


class MonthlyFigures(models.Model):
    """One region's indicators for one month, as frozen at month end."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    month = models.DateField("统计月份")
    figures = models.JSONField("指标")
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
