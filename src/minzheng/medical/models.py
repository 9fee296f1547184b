"""Hospitals (partner clients with a region), settlements, the per-person annual accumulator and
the monthly statements that become payables in the payments ledger."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.api.models import ApiClient
from minzheng.medical.rules import CATEGORY_LABELS, VISIT_KIND_LABELS
from minzheng.regions.models import Region
from minzheng.registry.models import Person


class HospitalQuerySet(RegionScopedQuerySet["Hospital"]):
    scope_field = "region_id"


class Hospital(models.Model):
    """A designated hospital (定点医疗机构). It calls the API through its own client."""

    code = models.CharField("医疗机构代码", max_length=30, unique=True)
    name = models.CharField("医院名称", max_length=100)
    region = models.ForeignKey(
        Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="+"
    )
    client = models.OneToOneField(
        ApiClient,
        verbose_name="接口客户端",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hospital",
    )
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[HospitalQuerySet] = HospitalQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "定点医院"
        ordering = ("code",)

    def __str__(self) -> str:
        return self.name


class CapAccount(models.Model):
    """What one person has used of the year's cap and deductibles. Every settlement and reversal
    locks this row first, so simultaneous claims for one person are decided one after another."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    cap_used = models.DecimalField("已用救助额度", default=0, max_digits=14, decimal_places=2)
    deductible_met_inpatient = models.DecimalField(
        "住院已扣起付标准", default=0, max_digits=14, decimal_places=2
    )
    deductible_met_outpatient = models.DecimalField(
        "门诊已扣起付标准", default=0, max_digits=14, decimal_places=2
    )
    deductible_met_chronic = models.DecimalField(
        "慢特病已扣起付标准", default=0, max_digits=14, decimal_places=2
    )

    class Meta:
        verbose_name = "年度救助累计"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "year"], name="one_cap_account_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"


class SettlementQuerySet(RegionScopedQuerySet["Settlement"]):
    scope_field = "region_id"  # the patient's residence: their county pays and watches


class Settlement(models.Model):
    class Status(models.TextChoices):
        SETTLED = "settled", "已结算"
        REVERSED = "reversed", "已冲销"

    # hospital and person: no index of their own, the (hospital, settled_on) and (person,
    # discharged_on) indexes lead with them; each index is written on every settlement.
    hospital = models.ForeignKey(
        Hospital, on_delete=models.PROTECT, related_name="settlements", db_index=False
    )
    claim_id = models.CharField("就诊结算号", max_length=64)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False)
    region = models.ForeignKey(
        Region, verbose_name="居住地区划", on_delete=models.PROTECT, related_name="+"
    )
    visit_kind = models.CharField(
        "就诊类型", max_length=12, choices=list(VISIT_KIND_LABELS.items())
    )
    admitted_on = models.DateField("入院日期")
    discharged_on = models.DateField("出院日期")
    total_cost = models.DecimalField("医疗总费用", max_digits=14, decimal_places=2)
    compliant_cost = models.DecimalField("政策范围内费用", max_digits=14, decimal_places=2)
    basic_insurance_paid = models.DecimalField("基本医保支付", max_digits=14, decimal_places=2)
    critical_illness_paid = models.DecimalField("大病保险支付", max_digits=14, decimal_places=2)
    other_paid = models.DecimalField("其他保险支付", max_digits=14, decimal_places=2)
    category = models.CharField("救助类别", max_length=10, choices=list(CATEGORY_LABELS.items()))
    assistance_amount = models.DecimalField("医疗救助", max_digits=14, decimal_places=2)
    patient_pays = models.DecimalField("个人自付", max_digits=14, decimal_places=2)
    annual_cap = models.DecimalField("年度限额", max_digits=14, decimal_places=2)
    cap_used = models.DecimalField("累计已用", max_digits=14, decimal_places=2)
    cap_left = models.DecimalField("剩余额度", max_digits=14, decimal_places=2)
    deductible_applied = models.DecimalField("本次扣起付标准", max_digits=14, decimal_places=2)
    explanation = models.JSONField("计算说明")
    parameter_versions = models.JSONField("参数版本", default=list)
    request_digest = models.CharField(max_length=64)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SETTLED)
    settled_on = models.DateField("结算日期", db_index=True)
    settled_at = models.DateTimeField("结算时间", auto_now_add=True)
    reversed_at = models.DateTimeField("冲销时间", null=True, blank=True)
    statement = models.ForeignKey(
        "Statement", null=True, blank=True, on_delete=models.PROTECT, related_name="settlements"
    )

    objects: ClassVar[SettlementQuerySet] = SettlementQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "医疗救助结算"
        ordering = ("-settled_at", "-id")
        constraints: ClassVar = [
            # A retry of the same claim finds this row; two racing requests cannot both insert.
            # A reversed settlement leaves room for the corrected claim under the same number.
            models.UniqueConstraint(
                fields=["hospital", "claim_id"],
                condition=models.Q(status="settled"),
                name="one_live_settlement_per_claim",
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["hospital", "settled_on"]),
            models.Index(fields=["person", "discharged_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.hospital_id}/{self.claim_id}"


class Statement(models.Model):
    """A hospital's month: the assistance it advanced at the bedside, owed back by the bureau."""

    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="statements")
    month = models.DateField("结算月份")
    settlement_count = models.PositiveIntegerField("笔数")
    total_assistance = models.DecimalField("医疗救助合计", max_digits=14, decimal_places=2)
    payment_line_id = models.BigIntegerField("台账分录", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField("确认时间", auto_now_add=True)

    class Meta:
        verbose_name = "医院月结单"
        ordering = ("-month", "hospital")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["hospital", "month"], name="one_statement_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.hospital_id} {self.month:%Y-%m}"


class Reconciliation(models.Model):
    """One hospital file reconciled against our settlements for a date range (医院对账批次)."""

    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="reconciliations")
    date_from = models.DateField("结算日期自")
    date_to = models.DateField("结算日期至")
    file_name = models.CharField("文件名", max_length=200)
    file_sha256 = models.CharField("文件摘要", max_length=64)
    rows = models.PositiveIntegerField("文件行数")
    matched = models.PositiveIntegerField("一致笔数")
    exception_count = models.PositiveIntegerField("异常条数")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("对账时间", auto_now_add=True)

    class Meta:
        verbose_name = "医院对账批次"
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.hospital_id} {self.date_from}–{self.date_to}"


class ReconciliationLine(models.Model):
    """A row of the hospital's file with its outcome, or one of our settlements the file lacks."""

    reconciliation = models.ForeignKey(
        Reconciliation, on_delete=models.CASCADE, related_name="lines"
    )
    row = models.PositiveIntegerField("文件行号", null=True, blank=True)  # None: ours only
    claim_id = models.CharField("结算号", max_length=64, blank=True)
    ours = models.DecimalField("平台金额", max_digits=14, decimal_places=2, null=True, blank=True)
    theirs = models.DecimalField("医院金额", max_digits=14, decimal_places=2, null=True, blank=True)
    outcome = models.CharField("结果", max_length=20)  # `matched` or an exception kind
    reason = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "医院对账明细"
        ordering = ("reconciliation", "row", "id")

    def __str__(self) -> str:
        return f"{self.reconciliation_id} {self.claim_id} {self.outcome}"
