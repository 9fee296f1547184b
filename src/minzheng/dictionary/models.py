"""字典: the label a user reads for each code the system stores. The codes and their default
labels come from the code (`labels.DEFAULTS`); a row here is the administrator's edit of a label."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class LabelOverride(models.Model):
    kind = models.CharField("字典类型", max_length=40)
    code = models.CharField("代码", max_length=80)
    text = models.CharField("显示名称", max_length=100)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "字典标签"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "code"], name="one_label_per_code")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}={self.text}"
