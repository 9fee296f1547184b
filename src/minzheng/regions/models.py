"""行政区划: the city, its county-level units, townships and villages, keyed by 12-digit codes."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class Level(models.TextChoices):
    CITY = "city", "市"
    COUNTY = "county", "县（市、区）"
    TOWNSHIP = "township", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"


# How many leading digits of a 12-digit statistical code name a unit of each level.
PREFIX_LENGTH: dict[str, int] = {
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}


def code_range(code: str, level: str) -> tuple[str, str]:
    """The inclusive range of 12-digit codes inside a unit: an index range scan, on any database."""
    prefix = code[: PREFIX_LENGTH[level]]
    return prefix.ljust(12, "0"), prefix.ljust(12, "9")


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
    def bounds(self) -> tuple[str, str]:
        return code_range(self.code, self.level)

    def contains(self, code: str) -> bool:
        low, high = self.bounds
        return low <= code <= high

    def full_name(self) -> str:
        names = []
        node: Region | None = self
        while node is not None and node.level != Level.CITY:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))
