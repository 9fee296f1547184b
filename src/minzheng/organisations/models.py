"""社会组织: the registry of social organisations, their registration applications, annual
inspections, credit listings, ratings and fee inspections. Every table is region-scoped by the
registration authority's region (登记管理机关所在区划)."""

from __future__ import annotations

import builtins
from typing import ClassVar

from django.conf import settings
from django.db import models

from minzheng.accounts.scope import PublicRegisterQuerySet, RegionScopedQuerySet
from minzheng.regions.models import Region
from minzheng.registry.models import Person


class Kind(models.TextChoices):
    SOCIAL_GROUP = "social_group", "社会团体"
    SOCIAL_SERVICE = "social_service", "社会服务机构（民办非企业单位）"
    FOUNDATION = "foundation", "基金会"


# GB 32100-2015: the type character a civil-affairs credit code carries for each kind.
KIND_TYPE_CODES = {Kind.SOCIAL_GROUP: "1", Kind.SOCIAL_SERVICE: "2", Kind.FOUNDATION: "3"}


class OrganisationQuerySet(PublicRegisterQuerySet["Organisation"]):
    scope_field = "region_id"


class Organisation(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "正常"
        DEREGISTERED = "deregistered", "已注销"
        REVOKED = "revoked", "已撤销登记"

    name = models.CharField("名称", max_length=120, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    region = models.ForeignKey(
        Region, verbose_name="登记管理机关区划", on_delete=models.PROTECT, related_name="+"
    )
    authority = models.CharField("登记管理机关", max_length=60)
    supervising_unit = models.CharField("业务主管单位", max_length=80, blank=True)
    legal_rep_person = models.ForeignKey(
        Person,
        verbose_name="法定代表人（登记人员）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    legal_rep_name = models.CharField("法定代表人", max_length=60)
    registered_capital = models.DecimalField("注册资金（元）", max_digits=16, decimal_places=2)
    scope = models.TextField("业务范围")
    address = models.CharField("住所", max_length=200, blank=True)
    founded_on = models.DateField("成立日期")
    certificate_valid_until = models.DateField("登记证书有效期至")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ACTIVE)
    is_trade_association = models.BooleanField("行业协会商会", default=False)
    is_charity = models.BooleanField("慈善组织", default=False)
    under_investigation = models.BooleanField("涉嫌违法被立案调查", default=False)
    penalised_on = models.DateField("最近行政处罚日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[OrganisationQuerySet] = OrganisationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("region_id", "name")
        verbose_name = "社会组织"

    def __str__(self) -> str:
        return self.name


class ApplicationQuerySet(RegionScopedQuerySet["RegistrationApplication"]):
    scope_field = "region_id"


class RegistrationApplication(models.Model):
    """成立、变更、注销登记: accepted → reviewed (初审) → approved or refused (核准)."""

    class Type(models.TextChoices):
        ESTABLISH = "establish", "成立登记"
        CHANGE = "change", "变更登记"
        DEREGISTER = "deregister", "注销登记"

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "已受理"
        REVIEWED = "reviewed", "初审通过"
        APPROVED = "approved", "已核准"
        REFUSED = "refused", "不予登记"

    number = models.CharField("申请编号", max_length=20, unique=True)
    type = models.CharField("申请类型", max_length=20, choices=Type.choices)
    status = models.CharField("状态", max_length=20, choices=Status.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="社会组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    region = models.ForeignKey(
        Region, verbose_name="登记管理机关区划", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("组织名称", max_length=120)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    # The registration particulars asked for (establishment) or the changed ones (change).
    particulars = models.JSONField("登记事项", default=dict)
    reason = models.TextField("申请事由", blank=True)
    accepted_on = models.DateField("受理日期")
    review_due = models.DateField("初审期限")
    decision_due = models.DateField("办结期限")
    reviewed_on = models.DateField("初审日期", null=True, blank=True)
    decided_on = models.DateField("核准日期", null=True, blank=True)
    decision_note = models.TextField("审核意见", blank=True)
    parameter_versions = models.JSONField("所用参数版本", default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects: ClassVar[ApplicationQuerySet] = ApplicationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("-accepted_on", "-id")
        verbose_name = "登记申请"

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class OrgScopedQuerySet[M: models.Model](PublicRegisterQuerySet[M]):
    scope_field = "organisation__region_id"


class AnnualReport(models.Model):
    """年检 / 年报 for one report year: filed online, to the supervising unit, then the authority."""

    class Status(models.TextChoices):
        FILED = "filed", "已报业务主管单位"
        SUPERVISOR_APPROVED = "supervisor_approved", "业务主管单位初审同意"
        REVIEWED = "reviewed", "已审结"

    class Outcome(models.TextChoices):
        QUALIFIED = "qualified", "合格"
        BASIC = "basic", "基本合格"
        UNQUALIFIED = "unqualified", "不合格"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="annual_reports"
    )
    report_year = models.PositiveIntegerField("报告年度")
    status = models.CharField("状态", max_length=30, choices=Status.choices)
    filed_on = models.DateField("报送日期")
    supervisor_approved_on = models.DateField("初审日期", null=True, blank=True)
    reviewed_on = models.DateField("审结日期", null=True, blank=True)
    outcome = models.CharField("年检结论", max_length=20, choices=Outcome.choices, blank=True)
    income = models.DecimalField("年度总收入（元）", max_digits=16, decimal_places=2)
    expenditure = models.DecimalField("年度总支出（元）", max_digits=16, decimal_places=2)
    net_assets = models.DecimalField("年末净资产（元）", max_digits=16, decimal_places=2)
    activities = models.TextField("业务活动情况")
    review_note = models.TextField("审查意见", blank=True)

    objects: ClassVar[OrgScopedQuerySet[AnnualReport]] = OrgScopedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("-report_year", "organisation_id")
        verbose_name = "年度报告"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organisation", "report_year"], name="one_annual_report_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.report_year}年度"


class CreditListing(models.Model):
    """An entry in the 活动异常名录 or the 严重违法失信名单 (民政部令第60号)."""

    class List(models.TextChoices):
        ABNORMAL = "abnormal", "活动异常名录"
        SERIOUS = "serious", "严重违法失信名单"

    class Reason(models.TextChoices):
        NO_ANNUAL_REPORT = "no_annual_report", "未按时参加年检（年报）"
        RECTIFICATION_OVERDUE = "rectification_overdue", "未按登记管理机关责令期限整改"
        UNREACHABLE = "unreachable", "通过登记的住所无法取得联系"
        ABNORMAL_TWO_YEARS = "abnormal_two_years", "列入活动异常名录满2年仍未移出"

    class Status(models.TextChoices):
        LISTED = "listed", "在列"
        REMOVED = "removed", "已移出（信用修复）"
        ESCALATED = "escalated", "已转入严重违法失信名单"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="credit_listings"
    )
    list = models.CharField("名录", max_length=20, choices=List.choices)
    reason = models.CharField("列入事由", max_length=30, choices=Reason.choices)
    status = models.CharField("状态", max_length=20, choices=Status.choices)
    decided_on = models.DateField("决定日期")
    entered_on = models.DateField("录入日期")
    entry_due = models.DateField("录入期限")
    published = models.BooleanField("已公开", default=True)
    objection = models.TextField("异议内容", blank=True)
    objection_on = models.DateField("异议日期", null=True, blank=True)
    objection_reply = models.TextField("异议答复", blank=True)
    removed_on = models.DateField("移出日期", null=True, blank=True)
    removal_reason = models.TextField("移出事由", blank=True)
    source_listing = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # `list` above is a field of this class: the builtin is named in full.
    parameter_versions = models.JSONField("所用参数版本", default=builtins.list)

    objects: ClassVar[OrgScopedQuerySet[CreditListing]] = OrgScopedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("-decided_on", "-id")
        verbose_name = "信用名录记录"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organisation", "list"],
                condition=models.Q(status="listed"),
                name="one_open_listing_per_list",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_list_display()} {self.organisation_id}"


class Rating(models.Model):
    """等级评估 1A–5A, valid for the set years."""

    class Grade(models.IntegerChoices):
        A1 = 1, "1A"
        A2 = 2, "2A"
        A3 = 3, "3A"
        A4 = 4, "4A"
        A5 = 5, "5A"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="ratings")
    grade = models.PositiveSmallIntegerField("评估等级", choices=Grade.choices)
    score = models.DecimalField("评估得分", max_digits=6, decimal_places=1)
    awarded_on = models.DateField("评定日期")
    valid_until = models.DateField("有效期至")
    criteria = models.JSONField("参评条件", default=list)
    parameter_versions = models.JSONField("所用参数版本", default=list)

    objects: ClassVar[OrgScopedQuerySet[Rating]] = OrgScopedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("-awarded_on", "-id")
        verbose_name = "评估等级"

    def __str__(self) -> str:
        return f"{self.get_grade_display()} {self.organisation_id}"


class FeeInspection(models.Model):
    """行业协会商会涉企收费检查, with what was found."""

    class Finding(models.TextChoices):
        COMPLIANT = "compliant", "未发现问题"
        IRREGULAR = "irregular", "存在违规收费"
        RECTIFIED = "rectified", "已整改退费"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="fee_inspections"
    )
    year = models.PositiveIntegerField("检查年度")
    inspected_on = models.DateField("检查日期")
    finding = models.CharField("检查结论", max_length=20, choices=Finding.choices)
    irregular_amount = models.DecimalField("违规收费金额（元）", max_digits=14, decimal_places=2)
    refunded_amount = models.DecimalField("已清退金额（元）", max_digits=14, decimal_places=2)
    details = models.TextField("检查发现", blank=True)

    objects: ClassVar[OrgScopedQuerySet[FeeInspection]] = OrgScopedQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("-year", "organisation_id")
        verbose_name = "收费检查"

    def __str__(self) -> str:
        return f"{self.year} {self.organisation_id}"
