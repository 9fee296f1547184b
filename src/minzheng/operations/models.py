"""Retention runs: what the retention job archived, where, and with which periods."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RetentionRun(models.Model):
    """One run of the retention job (数据归档): the archive folder, its manifest's checksum and
    what left the live tables. The audit events it removed are sealed in `core.AuditSeal`."""

    as_of = models.DateField("基准日期")
    folder = models.CharField("归档目录", max_length=500)
    manifest_sha256 = models.CharField("清单 SHA-256", max_length=64)
    cutoffs = models.JSONField("截止时间", default=dict)
    parameters = models.JSONField("参数版本", default=list)
    counts = models.JSONField("归档数量", default=dict)
    seal = models.ForeignKey(
        "core.AuditSeal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("归档时间", auto_now_add=True)

    class Meta:
        verbose_name = "数据归档"
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"归档 {self.as_of}"
