"""Departmental feeds (batches and their rows) and the results of the household check (核对)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.regions.models import Region
from minzheng.registry.models import Household, Person

USER = settings.AUTH_USER_MODEL


class FeedBatch(models.Model):
    """One delivered file: its provenance, its counts and the rows it was refused for."""

    source = models.CharField("数据来源", max_length=20, db_index=True)
    filename = models.CharField("文件名", max_length=200)
    checksum = models.CharField("SHA-256", max_length=64)
    received_at = models.DateTimeField("接收时间")
    received_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    client_name = models.CharField("推送客户端", max_length=100, blank=True)
    rows_total = models.PositiveIntegerField("数据行数", default=0)
    rows_accepted = models.PositiveIntegerField("新增行数", default=0)
    rows_known = models.PositiveIntegerField("此前已接收行数", default=0)
    rows_rejected = models.PositiveIntegerField("错误行数", default=0)
    errors = models.JSONField("错误行", default=list, blank=True)  # [{row, column, reason}]
    redelivery_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "部门数据批次"
        ordering = ("-received_at", "-id")

    def __str__(self) -> str:
        return f"{self.source} {self.filename}"


class FeedRecord(models.Model):
    """One accepted row, in the normalised shape of `feeds.FeedRow`; the ID is sealed."""

    batch = models.ForeignKey(FeedBatch, on_delete=models.PROTECT, related_name="records")
    source = models.CharField(max_length=20)
    row_key = models.CharField(max_length=40)
    id_number_index = models.CharField(max_length=64, db_index=True)
    id_number_cipher = models.TextField()
    id_number_masked = models.CharField(max_length=18)
    kind = models.CharField(max_length=30)
    day = models.DateField(null=True)
    end_day = models.DateField(null=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    amount2 = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    ref = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = "部门数据记录"
        constraints: ClassVar = [
            # A re-delivered row (same source, same values) is the same row: stored once.
            models.UniqueConstraint(fields=["source", "row_key"], name="feed_row_once")
        ]
        indexes: ClassVar = [models.Index(fields=["source", "day"])]

    def __str__(self) -> str:
        return f"{self.source} {self.id_number_masked} {self.kind}"


class CheckQuerySet(RegionScopedQuerySet["HouseholdCheck"]):
    scope_field = "region_id"


class HouseholdCheck(models.Model):
    """核对结果: one household checked against every feed on a day, for an application or a sweep."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    application_id = models.BigIntegerField("申请编号", null=True, blank=True, db_index=True)
    as_of = models.DateField("核对日期")
    members = models.PositiveSmallIntegerField("共同生活成员数")
    monthly_income = models.DecimalField("核对家庭月收入", max_digits=12, decimal_places=2)
    per_capita_income = models.DecimalField("人均月收入", max_digits=12, decimal_places=2)
    declared_income = models.DecimalField(
        "申报家庭月收入", max_digits=12, decimal_places=2, null=True, blank=True
    )
    money_assets = models.DecimalField("货币财产", max_digits=14, decimal_places=2)
    passed = models.BooleanField("核对结果符合")
    findings = models.JSONField("不符合事项", default=list, blank=True)
    parameters = models.JSONField("所用参数版本", default=list, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[CheckQuerySet] = CheckQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "家庭经济状况核对"
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"核对 {self.household_id} {self.as_of}"


class Evidence(models.Model):
    """One item of evidence: where it came from, when, what it says and which rule it meets."""

    check_run = models.ForeignKey(HouseholdCheck, on_delete=models.CASCADE, related_name="items")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField("来源", max_length=20)
    item = models.CharField("事项", max_length=60)
    on = models.DateField("日期", null=True, blank=True)
    value = models.CharField("数据", max_length=200)
    rule = models.CharField("规则", max_length=300)
    finding = models.BooleanField("不符合", default=False)

    class Meta:
        verbose_name = "核对证据"
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.source} {self.item} {self.value}"
