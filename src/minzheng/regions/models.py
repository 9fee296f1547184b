"""行政区划: the city, its county-level units, townships and villages, keyed by 12-digit codes."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from minzheng.core.regioncode import RegionCode


class Level(models.TextChoices):
    CITY = "city", "市"
    COUNTY = "county", "县（市、区）"
    TOWNSHIP = "township", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"


class Region(models.Model):
    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=60)
    level = models.CharField("层级", max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    generated = models.BooleanField("生成数据", default=False)
    source = models.CharField("来源", max_length=200, blank=True)

    class Meta:
        ordering = ("code",)
        verbose_name = "行政区划"

    objects: ClassVar[models.Manager[Region]] = models.Manager()

    def __str__(self) -> str:
        return self.name

    @property
    def unit(self) -> RegionCode:
        """This region as a code value (county, township, parent, range, contains)."""
        return RegionCode.of(self.code, self.level)

    @property
    def bounds(self) -> tuple[str, str]:
        return self.unit.range

    def contains(self, code: str) -> bool:
        return self.unit.contains(code)

    def full_name(self) -> str:
        names = []
        node: Region | None = self
        while node is not None and node.level != Level.CITY:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))
