"""Enrolments: who receives which programme, from which month, for how much.

The workflow (applications) creates them; reviews change or end them; the payment rolls read them.
Amounts are dated rows, so the roll for any month can be recomputed exactly as it was.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.assistance.programmes import ProgrammeCode
from minzheng.regions.models import Region
from minzheng.registry.models import Household, Person

PROGRAMME_CHOICES = [(code.value, code.value) for code in ProgrammeCode]


OPEN_STATUSES = ("active", "gradual_exit", "suspended")


class EnrolmentQuerySet(RegionScopedQuerySet["Enrolment"]):
    scope_field = "region_id"


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "在保"
        GRADUAL_EXIT = "gradual_exit", "渐退期"
        SUSPENDED = "suspended", "暂停"
        ENDED = "ended", "已退出"

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="enrolments")
    # The beneficiary when the programme is individual (特困, 单人户低保); empty for a household benefit.
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="enrolments"
    )
    programme = models.CharField(
        "救助项目", max_length=20, choices=PROGRAMME_CHOICES, db_index=True
    )
    region = models.ForeignKey(
        Region, verbose_name="所属村（社区）", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ACTIVE)
    start_month = models.DateField("起始月份")  # first day of the month benefits start
    end_month = models.DateField("终止月份", null=True, blank=True)  # first month NOT paid
    care_level = models.CharField("特困照料等级", max_length=20, blank=True)
    # The persons this enrolment counts (民发〔2021〕57号 art 7), fixed when it is decided: 1 for
    # an individual enrolment; for a household the co-resident members the rules counted, less
    # members enrolled on their own in 低保 (单人户) and the 特困 person the rules leave out.
    persons = models.PositiveSmallIntegerField("计入人数", default=1)
    decision = models.JSONField("认定结果与依据", default=dict, blank=True)
    source_application_id = models.BigIntegerField("来源申请", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[EnrolmentQuerySet] = EnrolmentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "救助对象"
        indexes: ClassVar = [models.Index(fields=["programme", "status", "region"])]
        # One open enrolment per household and programme (per person for individual benefits).
        # Two constraints, because NULL persons are distinct inside a unique index.
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["household", "programme"],
                condition=models.Q(status__in=OPEN_STATUSES, person__isnull=True),
                name="one_open_household_enrolment",
            ),
            models.UniqueConstraint(
                fields=["household", "programme", "person"],
                condition=models.Q(status__in=OPEN_STATUSES, person__isnull=False),
                name="one_open_person_enrolment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme}#{self.pk}"


class EnrolmentAmount(models.Model):
    """The monthly amount in force from a month on, with its components and the reason it changed."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="amounts")
    effective_month = models.DateField("生效月份")
    amount = models.DecimalField("月发放金额", max_digits=12, decimal_places=2)
    components = models.JSONField("构成", default=dict, blank=True)
    reason = models.CharField("原因", max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "救助金额"
        ordering = ("enrolment", "effective_month", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["enrolment", "effective_month"], name="one_amount_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.effective_month:%Y-%m} {self.amount}"


# ── policy parameters as dated data ──────────────────────────────────────────────────────────


class PolicyParameter(models.Model):
    """One dated value of a policy parameter for a region (000000 nation … 3302xx county).

    Rows are never edited: a new standard is a new row with its own `effective_from`, so every
    decision that names a version (`key@region@date`) can be replayed with the value it used.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待确认"
        ACTIVE = "active", "生效"
        WITHDRAWN = "withdrawn", "已撤回"

    key = models.CharField("参数", max_length=80)
    region_code = models.CharField("区划", max_length=6)
    effective_from = models.DateField("起始日期")
    value = models.JSONField("取值")
    source = models.TextField("依据")
    confidence = models.CharField("可信度", max_length=2)
    illustrative = models.BooleanField("示例值", default=False)
    note = models.TextField("说明", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="确认人",
    )
    preview = models.JSONField("调整前测算", default=dict, blank=True)

    class Meta:
        verbose_name = "政策参数"
        ordering = ("key", "region_code", "effective_from")
        constraints: ClassVar = [
            # One live value per key, region and day; a withdrawn proposal leaves room for another.
            models.UniqueConstraint(
                fields=["key", "region_code", "effective_from"],
                condition=~models.Q(status="withdrawn"),
                name="one_parameter_value_per_day",
            )
        ]

    def __str__(self) -> str:
        return self.version_id

    @property
    def version_id(self) -> str:
        return f"{self.key}@{self.region_code}@{self.effective_from.isoformat()}"


# ── household economic facts the registry does not hold ──────────────────────────────────────


class IncomeSource(models.TextChoices):
    DECLARED = "declared", "申报"
    VERIFIED = "verified", "核对"


class IncomeRecord(models.Model):
    """A member's monthly income of one kind over [valid_from, valid_to) months.

    When a declared and a verified figure cover the same month, the verified one is used.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="incomes")
    kind = models.CharField("收入类别", max_length=30)
    monthly_amount = models.DecimalField("月收入", max_digits=12, decimal_places=2)
    valid_from = models.DateField("起始月份")
    valid_to = models.DateField("终止月份", null=True, blank=True)  # first month not covered
    source = models.CharField(
        "来源", max_length=10, choices=IncomeSource.choices, default=IncomeSource.DECLARED
    )
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "收入记录"
        indexes: ClassVar = [models.Index(fields=["person", "kind", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.monthly_amount}"


class AssetKind(models.TextChoices):
    MONEY = "money", "货币财产"
    VEHICLE = "vehicle", "车辆船舶"
    NONRESIDENTIAL = "nonresidential", "非居住类房屋"
    HOME = "home", "住房"


class HouseholdAsset(models.Model):
    """One asset of the household over [valid_from, valid_to): money, a vehicle, a property, a home."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="assets")
    kind = models.CharField("类别", max_length=20, choices=AssetKind.choices)
    amount = models.DecimalField(
        "金额", max_digits=14, decimal_places=2, null=True, blank=True
    )  # money assets
    vehicle_kind = models.CharField("车型", max_length=30, blank=True)
    nonresidential_kind = models.CharField("房屋类型", max_length=30, blank=True)
    is_only_home = models.BooleanField("改作唯一住房", default=False)
    floor_area = models.DecimalField(
        "建筑面积", max_digits=9, decimal_places=2, null=True, blank=True
    )
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("终止日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "家庭财产"
        indexes: ClassVar = [models.Index(fields=["household", "kind"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.kind}"


class ExtraExpense(models.Model):
    """Monthly disability or illness spending that may be deducted from income (2021 art 13)."""

    class Kind(models.TextChoices):
        DISABILITY = "disability", "因残支出"
        ILLNESS = "illness", "因病支出"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="extra_expenses")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    monthly_amount = models.DecimalField("月支出", max_digits=12, decimal_places=2)
    valid_from = models.DateField("起始月份")
    valid_to = models.DateField("终止月份", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "刚性支出"

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.monthly_amount}"


class AdlAssessmentRecord(models.Model):
    """Six ADL items (民发〔2021〕43号 art 21); True means the person manages alone."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="adl_assessments")
    assessed_on = models.DateField("评估日期")
    eating = models.BooleanField("进食")
    dressing = models.BooleanField("穿衣")
    transfer = models.BooleanField("上下床")
    toileting = models.BooleanField("如厕")
    walking_indoors = models.BooleanField("室内行走")
    bathing = models.BooleanField("洗澡")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "生活自理能力评估"
        indexes: ClassVar = [models.Index(fields=["person", "assessed_on"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.assessed_on}"


class SupporterRecord(models.Model):
    """A person with a legal duty to support a member (赡养、抚养、扶养义务人), as 特困 needs it."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="supporters")
    name = models.CharField("义务人姓名", max_length=60)
    birth_date = models.DateField("出生日期")
    monthly_income = models.DecimalField("月收入", max_digits=12, decimal_places=2, default=0)
    is_tekun = models.BooleanField("特困人员", default=False)
    is_dibao_recipient = models.BooleanField("低保对象", default=False)
    disability_category = models.CharField("残疾类别", max_length=20, blank=True)
    disability_grade = models.PositiveSmallIntegerField("残疾等级", null=True, blank=True)
    legally_incapacitated = models.BooleanField("无（限制）民事行为能力", default=False)
    missing = models.BooleanField("宣告失踪", default=False)
    in_prison = models.BooleanField("服刑", default=False)
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("终止日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "法定义务人"

    def __str__(self) -> str:
        return f"{self.person_id} ← {self.name}"


class MemberCircumstance(models.Model):
    """What co-residence needs beyond the registry (民发〔2021〕57号 art 7): away, study, duty."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="circumstance")
    away_reason = models.CharField("离家原因", max_length=20, default="none")
    away_years = models.PositiveSmallIntegerField("离家年数", default=0)
    student = models.CharField("在学情况", max_length=30, default="none")
    unable_to_live_independently = models.BooleanField("不能独立生活", default=False)
    # None: follow the relationship (parents are supporters); True/False: recorded by a caseworker.
    has_legal_support_duty = models.BooleanField("法定义务关系", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "成员情况"

    def __str__(self) -> str:
        return f"{self.person_id}"


# ── stored decisions, replayable ─────────────────────────────────────────────────────────────


class EligibilityDecisionQuerySet(RegionScopedQuerySet["EligibilityDecision"]):
    scope_field = "region_id"


class EligibilityDecision(models.Model):
    """One evaluation of a household: the facts it saw, the decisions, the parameter versions."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField("认定日期")
    facts = models.JSONField("认定依据的家庭情况")
    decisions = models.JSONField("认定结果")
    parameter_versions = models.JSONField("参数版本")
    dibao_amount = models.DecimalField("低保月保障金", max_digits=12, decimal_places=2)
    summary = models.CharField("摘要", max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[EligibilityDecisionQuerySet] = EligibilityDecisionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "资格认定记录"
        indexes: ClassVar = [models.Index(fields=["household", "as_of"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.as_of}"
