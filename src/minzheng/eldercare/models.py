"""Ability assessments (老年人能力评估) kept with their history: every assessment is a new row with
its item scores, the assessor, the parameter versions used and the date the next one is due.

The 高龄津贴 needs no table of its own: it is an `assistance.Enrolment` of programme `gaoling` with
dated `EnrolmentAmount` rows, paid by the monthly roll like every other enrolment."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from minzheng.accounts.scope import RegionScopedQuerySet
from minzheng.core import clock
from minzheng.eldercare.rules import LEVEL_LABELS, TEKUN_CARE_LABELS
from minzheng.regions.models import Region
from minzheng.registry.models import Person

LEVEL_CHOICES = list(LEVEL_LABELS.items())


class AssessmentQuerySet(RegionScopedQuerySet["Assessment"]):
    scope_field = "region_id"


class Assessment(models.Model):
    class Reason(models.TextChoices):
        FIRST = "first", "首次评估"
        ROUTINE = "routine", "常规复评"
        CHANGE = "change", "状况变化复评"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        Region, verbose_name="居住地区划", on_delete=models.PROTECT, related_name="+"
    )
    assessed_on = models.DateField("评估日期")
    reason = models.CharField("评估原因", max_length=10, choices=Reason.choices)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="评估员"
    )
    second_assessor = models.CharField("第二评估员", max_length=60, blank=True)
    item_scores = models.JSONField("各项得分")  # {"B.1.1": 4, …}
    self_care_score = models.PositiveSmallIntegerField("自理能力得分")
    movement_score = models.PositiveSmallIntegerField("基础运动能力得分")
    mental_score = models.PositiveSmallIntegerField("精神状态得分")
    perception_score = models.PositiveSmallIntegerField("感知觉与社会参与得分")
    total = models.PositiveSmallIntegerField("总分")
    preliminary_level = models.CharField("初步等级", max_length=10, choices=LEVEL_CHOICES)
    level = models.CharField("能力等级", max_length=10, choices=LEVEL_CHOICES, db_index=True)
    coma = models.BooleanField("昏迷", default=False)
    dementia = models.BooleanField("确诊痴呆", default=False)
    mental_disorder = models.BooleanField("其他精神和行为障碍", default=False)
    risk_events = models.JSONField("照护风险事件", default=list)  # [["fall", "2024-05-01"], …]
    adjustments = models.JSONField("等级变更", default=list)
    tekun_care_level = models.CharField(
        "特困照料护理等级建议", max_length=10, choices=list(TEKUN_CARE_LABELS.items())
    )
    explanation = models.JSONField("评定说明")
    parameter_versions = models.JSONField("参数版本", default=list)
    next_due = models.DateField("下次复评日期", db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[AssessmentQuerySet] = AssessmentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "老年人能力评估"
        ordering = ("-assessed_on", "-id")
        indexes: ClassVar = [models.Index(fields=["person", "assessed_on"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.assessed_on}"


# ── 助餐 (meal assistance) ────────────────────────────────────────────────────────────────────


class MealPointQuerySet(RegionScopedQuerySet["MealPoint"]):
    scope_field = "region_id"


class MealPoint(models.Model):
    """A 助餐点 (canteen or delivery point) serving one village or community."""

    name = models.CharField("助餐点名称", max_length=100)
    region = models.ForeignKey(
        Region, verbose_name="所在村（社区）", on_delete=models.PROTECT, related_name="+"
    )
    operator = models.CharField("运营主体", max_length=100, blank=True)
    active = models.BooleanField("运营中", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[MealPointQuerySet] = MealPointQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "助餐点"
        ordering = ("region_id", "name")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["region", "name"], name="one_meal_point_name_per_village"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MealRecordQuerySet(RegionScopedQuerySet["MealRecord"]):
    scope_field = "region_id"  # the meal point's village: its area's staff keep and settle it


class MealRecord(models.Model):
    """The meals one person had at one point on one day, with the subsidy decided then."""

    point = models.ForeignKey(MealPoint, on_delete=models.PROTECT, related_name="records")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    day = models.DateField("就餐日期")
    meals = models.PositiveSmallIntegerField("餐次")
    category = models.CharField("补贴类别", max_length=10)
    subsidy_per_meal = models.DecimalField("每餐补贴", max_digits=8, decimal_places=2)
    subsidy = models.DecimalField("补贴金额", max_digits=10, decimal_places=2)
    parameter_versions = models.JSONField("参数版本", default=list)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    statement = models.ForeignKey(
        "MealStatement", null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[MealRecordQuerySet] = MealRecordQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "就餐记录"
        ordering = ("-day", "-id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["point", "person", "day"], name="one_meal_record_per_person_day"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["point", "day"])]

    def __str__(self) -> str:
        return f"{self.point_id} {self.person_id} {self.day}"


class MealStatement(models.Model):
    """A meal point's month, confirmed by the county: the subsidy owed becomes a ledger payable."""

    point = models.ForeignKey(MealPoint, on_delete=models.PROTECT, related_name="statements")
    month = models.DateField("结算月份")
    meals = models.PositiveIntegerField("餐次合计")
    diners = models.PositiveIntegerField("就餐人数")
    total = models.DecimalField("补贴合计", max_digits=14, decimal_places=2)
    payment_line_id = models.BigIntegerField("台账分录", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField("确认时间", auto_now_add=True)

    class Meta:
        verbose_name = "助餐点月结单"
        ordering = ("-month", "point")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["point", "month"], name="one_meal_statement_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.month:%Y-%m}"


# ── 适老化改造 (home adaptation) ──────────────────────────────────────────────────────────────


class AdaptationQuerySet(RegionScopedQuerySet["Adaptation"]):
    scope_field = "region_id"


class Adaptation(models.Model):
    """One household's home adaptation, from the application to the payment to the contractor."""

    class Status(models.TextChoices):
        APPLIED = "applied", "已申请"
        VISITED = "visited", "已入户评估"
        APPROVED = "approved", "已审批"
        COMPLETED = "completed", "已验收"
        PAID = "paid", "已支付"
        REFUSED = "refused", "不予改造"

    class AppliedBy(models.TextChoices):
        SELF = "self", "本人申请"
        FAMILY = "family", "家属代为申请"
        STAFF = "staff", "工作人员代为申请"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        Region, verbose_name="居住地区划", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, db_index=True)
    applied_by = models.CharField("申请方式", max_length=10, choices=AppliedBy.choices)
    applicant_name = models.CharField("代办人", max_length=60, blank=True)
    applied_on = models.DateField("申请日期")
    note = models.CharField("申请说明", max_length=500, blank=True)
    visited_on = models.DateField("入户评估日期", null=True, blank=True)
    visit_notes = models.CharField("评估情况", max_length=1000, blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contractor = models.CharField("施工单位", max_length=100, blank=True)
    cap = models.DecimalField("每户补贴上限", max_digits=10, decimal_places=2, null=True)
    total = models.DecimalField("改造总价", max_digits=12, decimal_places=2, default=0)
    subsidy = models.DecimalField("补贴金额", max_digits=12, decimal_places=2, default=0)
    own_share = models.DecimalField("个人自付", max_digits=12, decimal_places=2, default=0)
    parameter_versions = models.JSONField("参数版本", default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField("审批日期", null=True, blank=True)
    decision_reason = models.CharField("审批意见", max_length=500, blank=True)
    completed_on = models.DateField("验收日期", null=True, blank=True)
    completion_notes = models.CharField("验收情况", max_length=1000, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_on = models.DateField("支付日期", null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payment_line_id = models.BigIntegerField("台账分录", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[AdaptationQuerySet] = AdaptationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "适老化改造"
        ordering = ("-applied_on", "-id")

    def __str__(self) -> str:
        return f"{self.person_id} {self.applied_on}"


class AdaptationItem(models.Model):
    """One priced line of the plan; the subsidy and own share are decided over the whole list."""

    adaptation = models.ForeignKey(Adaptation, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField("序号")
    code = models.CharField("改造项目", max_length=20)
    basic = models.BooleanField("基础类（补贴）")
    quantity = models.PositiveSmallIntegerField("数量")
    unit_price = models.DecimalField("单价", max_digits=10, decimal_places=2)
    amount = models.DecimalField("金额", max_digits=12, decimal_places=2)
    subsidy = models.DecimalField("补贴", max_digits=12, decimal_places=2, default=0)
    own_share = models.DecimalField("自付", max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = "适老化改造项目"
        ordering = ("adaptation", "position", "id")

    def __str__(self) -> str:
        return f"{self.adaptation_id} {self.code}"


class AdaptationPhoto(models.Model):
    adaptation = models.ForeignKey(Adaptation, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField("验收照片", upload_to="eldercare/adaptation/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "适老化改造验收照片"

    def __str__(self) -> str:
        return str(self.image.name)


# ── 居家养老服务 (home care) and 时间银行 ────────────────────────────────────────────────────────


class CareProviderQuerySet(RegionScopedQuerySet["CareProvider"]):
    scope_field = "region_id"


class CareProvider(models.Model):
    name = models.CharField("服务组织名称", max_length=100)
    kind = models.CharField("类型", max_length=20)
    region = models.ForeignKey(
        Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)
    active = models.BooleanField("服务中", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[CareProviderQuerySet] = CareProviderQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "居家养老服务组织"
        ordering = ("region_id", "name")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["region", "name"], name="one_care_provider_name")
        ]

    def __str__(self) -> str:
        return self.name


class CareOrderQuerySet(RegionScopedQuerySet["CareOrder"]):
    scope_field = "region_id"


class CareOrder(models.Model):
    """A service order: one elderly person, one provider, one kind of service."""

    class Status(models.TextChoices):
        OPEN = "open", "服务中"
        CLOSED = "closed", "已结束"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(CareProvider, on_delete=models.PROTECT, related_name="orders")
    service = models.CharField("服务项目", max_length=20)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default="open")
    timebank = models.BooleanField("以时间银行时长兑换", default=False)
    started_on = models.DateField("开始日期")
    note = models.CharField("备注", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[CareOrderQuerySet] = CareOrderQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "居家养老服务工单"
        ordering = ("-started_on", "-id")

    def __str__(self) -> str:
        return f"{self.person_id} {self.service}"


class CareVisitQuerySet(RegionScopedQuerySet["CareVisit"]):
    scope_field = "region_id"


class CareVisit(models.Model):
    """One visit of an order, with its check-in and check-out times."""

    order = models.ForeignKey(CareOrder, on_delete=models.PROTECT, related_name="visits")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    caregiver = models.CharField("服务人员", max_length=60)
    volunteer = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    check_in = models.DateTimeField("签到时间")
    check_out = models.DateTimeField("签出时间")
    minutes = models.PositiveIntegerField("服务时长（分钟）")
    note = models.CharField("服务内容", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[CareVisitQuerySet] = CareVisitQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "上门服务记录"
        ordering = ("-check_in", "-id")
        indexes: ClassVar = [models.Index(fields=["order", "check_in"])]

    def __str__(self) -> str:
        return f"{self.order_id} {self.check_in}"


class TimeBankEntryQuerySet(RegionScopedQuerySet["TimeBankEntry"]):
    scope_field = "region_id"


class TimeBankEntry(models.Model):
    """One line of a person's time-bank account; `balance` is the balance after it (never < 0)."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", "存入"
        WITHDRAWAL = "withdrawal", "支取"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    hours = models.DecimalField("时长（小时）", max_digits=8, decimal_places=2)
    balance = models.DecimalField("余额（小时）", max_digits=10, decimal_places=2)
    visit = models.ForeignKey(
        CareVisit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.stamp)  # replayed day in `dated`

    objects: ClassVar[TimeBankEntryQuerySet] = TimeBankEntryQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "时间银行记录"
        ordering = ("-id",)
        indexes: ClassVar = [models.Index(fields=["person", "id"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="timebank_balance_not_negative"
            ),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="timebank_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.hours}"
