"""Bringing a bureau's current recipients over: batches, provenance, payment history, reviews."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.regions.models import Region
from minzheng.registry.models import Household, Person


class MigrationBatchQuerySet(RegionScopedQuerySet["MigrationBatch"]):
    scope_field = "region_id"


class MigrationBatch(models.Model):
    """One run of the legacy import (a dry run or a real one) and its report."""

    class Mode(models.TextChoices):
        DRY_RUN = "dry_run", "试运行"
        IMPORT = "import", "正式导入"

    source_name = models.CharField("来源文件", max_length=200)
    checksum = models.CharField("SHA-256", max_length=64)
    mode = models.CharField("方式", max_length=10, choices=Mode.choices)
    region = models.ForeignKey(
        Region, verbose_name="导入范围", on_delete=models.PROTECT, related_name="+"
    )
    report = models.JSONField("报告", default=dict)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects: ClassVar[MigrationBatchQuerySet] = MigrationBatchQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "迁移批次"
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_name}（{self.get_mode_display()}）"


class MigrationKey(models.Model):
    """What an earlier run already created, by its key in the legacy files: a re-run skips it,
    and every created row keeps the file and row it came from."""

    kind = models.CharField("类别", max_length=20)
    key = models.CharField("原系统键", max_length=200)
    object_id = models.BigIntegerField("对象")
    batch = models.ForeignKey(MigrationBatch, on_delete=models.PROTECT, related_name="keys")
    source_file = models.CharField("来源文件", max_length=60)
    source_row = models.PositiveIntegerField("来源行")

    class Meta:
        verbose_name = "迁移出处"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "key"], name="one_object_per_legacy_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.object_id}"


class LegacyPaymentQuerySet(RegionScopedQuerySet["LegacyPayment"]):
    pass


class LegacyPayment(models.Model):
    """A month the former system paid. History only: the ledger holds what this platform pays."""

    class Status(models.TextChoices):
        PAID = "paid", "已发放"
        FAILED = "failed", "发放失败"

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="legacy_payments"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    programme = models.CharField("救助项目", max_length=20)
    month = models.DateField("所属月份")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    status = models.CharField("状态", max_length=10, choices=Status.choices)
    batch = models.ForeignKey(MigrationBatch, on_delete=models.PROTECT, related_name="+")
    source_row = models.PositiveIntegerField("来源行")

    objects: ClassVar[LegacyPaymentQuerySet] = LegacyPaymentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "原系统发放记录"
        indexes: ClassVar = [models.Index(fields=["person", "month"])]

    def __str__(self) -> str:
        return f"{self.programme} {self.month:%Y-%m} {self.amount}"


class MigrationReviewQuerySet(RegionScopedQuerySet["MigrationReview"]):
    pass


class MigrationReview(models.Model):
    """An imported amount that the platform's rules would set differently: a person decides."""

    class Status(models.TextChoices):
        OPEN = "open", "待核对"
        KEPT = "kept", "保留原金额"
        ADOPTED = "adopted", "按规则调整"

    enrolment = models.OneToOneField(
        "assistance.Enrolment", on_delete=models.PROTECT, related_name="migration_review"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    imported_amount = models.DecimalField("原系统金额", max_digits=12, decimal_places=2)
    rule_amount = models.DecimalField("规则测算金额", max_digits=12, decimal_places=2)
    rule_eligible = models.BooleanField("规则判定符合")
    explanation = models.JSONField("测算依据", default=dict)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    reason = models.CharField("处理说明", max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(MigrationBatch, on_delete=models.PROTECT, related_name="+")

    objects: ClassVar[MigrationReviewQuerySet] = MigrationReviewQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "迁移金额核对"

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.imported_amount} / {self.rule_amount}"
