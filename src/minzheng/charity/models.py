"""慈善: recognised charity organisations, fundraising plans, donations and spending by project,
慈善一日捐 campaigns, charitable trusts, yearly financial figures and disclosures.

Scoped by the organisation's registration region (or, for campaigns, the campaign's region).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from minzheng.accounts.scope import PublicRegisterQuerySet
from minzheng.organisations.models import Organisation
from minzheng.regions.models import Region


class OrgScoped[M: models.Model](PublicRegisterQuerySet[M]):
    scope_field = "organisation__region_id"


class Recognition(models.Model):
    """认定为慈善组织, and the public-fundraising qualification (公开募捐资格) if it has one."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="charity"
    )
    recognised_on = models.DateField("认定日期")
    public_fundraising = models.BooleanField("具有公开募捐资格", default=False)
    public_fundraising_since = models.DateField("取得公开募捐资格日期", null=True, blank=True)

    objects: ClassVar[OrgScoped[Recognition]] = OrgScoped.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "慈善组织认定"

    def __str__(self) -> str:
        return f"慈善组织 {self.organisation_id}"


class Project(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("项目名称", max_length=120)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)

    objects: ClassVar[OrgScoped[Project]] = OrgScoped.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("organisation_id", "name")
        verbose_name = "慈善项目"

    def __str__(self) -> str:
        return self.name


class FundraisingPlan(models.Model):
    """募捐方案, filed (备案) before the fundraising starts."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT)
    title = models.CharField("募捐方案名称", max_length=120)
    target = models.DecimalField("募捐目标（元）", max_digits=16, decimal_places=2)
    filed_on = models.DateField("备案日期")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    filed_in_time = models.BooleanField("按时备案")
    parameter_versions = models.JSONField(default=list)

    objects: ClassVar[OrgScoped[FundraisingPlan]] = OrgScoped.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("-starts_on", "-id")
        verbose_name = "募捐方案备案"

    def __str__(self) -> str:
        return self.title


class CampaignQuerySet(PublicRegisterQuerySet["Campaign"]):
    scope_field = "region_id"


class Campaign(models.Model):
    """慈善一日捐: a city- or county-wide day's-pay campaign of one year."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    name = models.CharField("活动名称", max_length=120)
    organiser = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    objects: ClassVar[CampaignQuerySet] = CampaignQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("-year", "region_id")
        verbose_name = "慈善一日捐"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["region", "year"], name="one_campaign_per_region_year")
        ]

    def __str__(self) -> str:
        return self.name


class Donation(models.Model):
    """A gift received, cash or goods (goods at their valuation), with its receipt number."""

    class Form(models.TextChoices):
        CASH = "cash", "资金"
        GOODS = "goods", "物资"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.PROTECT)
    received_on = models.DateField("接收日期")
    donor = models.CharField("捐赠人", max_length=120)
    form = models.CharField("捐赠形式", max_length=10, choices=Form.choices)
    goods = models.CharField("物资名称", max_length=120, blank=True)
    valuation_basis = models.CharField("物资估值依据", max_length=120, blank=True)
    amount = models.DecimalField("金额或估值（元）", max_digits=16, decimal_places=2)
    receipt_number = models.CharField("捐赠票据号", max_length=30, unique=True)

    objects: ClassVar[OrgScoped[Donation]] = OrgScoped.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("-received_on", "-id")
        verbose_name = "捐赠收入"

    def __str__(self) -> str:
        return self.receipt_number


class Expenditure(models.Model):
    class Category(models.TextChoices):
        CHARITABLE = "charitable", "慈善活动支出"
        MANAGEMENT = "management", "管理费用"
        FUNDRAISING = "fundraising", "募捐成本"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT)
    spent_on = models.DateField("支出日期")
    category = models.CharField("支出类别", max_length=20, choices=Category.choices)
    amount = models.DecimalField("金额（元）", max_digits=16, decimal_places=2)
    purpose = models.CharField("用途", max_length=200)

    objects: ClassVar[OrgScoped[Expenditure]] = OrgScoped.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("-spent_on", "-id")
        verbose_name = "慈善支出"

    def __str__(self) -> str:
        return self.purpose


class YearlyFinancials(models.Model):
    """The figures the yearly spending and management-cost check reads (from the annual report)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    prior_year_income = models.DecimalField("上年总收入（元）", max_digits=16, decimal_places=2)
    three_year_average_income = models.DecimalField(
        "前三年收入平均数（元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    prior_year_net_assets = models.DecimalField(
        "上年末净资产（元）", max_digits=16, decimal_places=2
    )
    charitable_spending = models.DecimalField(
        "年度慈善活动支出（元）", max_digits=16, decimal_places=2
    )
    management_cost = models.DecimalField("年度管理费用（元）", max_digits=16, decimal_places=2)
    total_spending = models.DecimalField("年度总支出（元）", max_digits=16, decimal_places=2)

    objects: ClassVar[OrgScoped[YearlyFinancials]] = OrgScoped.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("-year", "organisation_id")
        verbose_name = "年度财务数据"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_financials_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year}"


class TrustQuerySet(PublicRegisterQuerySet["CharitableTrust"]):
    scope_field = "trustee__region_id"


class CharitableTrust(models.Model):
    """慈善信托, filed (备案) with the civil-affairs department by its trustee."""

    trustee = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("信托名称", max_length=120)
    settlor = models.CharField("委托人", max_length=120)
    property_amount = models.DecimalField("信托财产（元）", max_digits=16, decimal_places=2)
    established_on = models.DateField("信托合同签订日期")
    filed_on = models.DateField("备案日期")
    filed_in_time = models.BooleanField("按时备案")
    parameter_versions = models.JSONField(default=list)

    objects: ClassVar[TrustQuerySet] = TrustQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("-established_on", "-id")
        verbose_name = "慈善信托"

    def __str__(self) -> str:
        return self.name


class Disclosure(models.Model):
    """An information disclosure owed (慈善组织信息公开办法), with its due date and when it was made."""

    class Subject(models.TextChoices):
        ANNUAL_REPORT = "annual_report", "年度工作报告和财务会计报告"
        FUNDRAISING = "fundraising", "公开募捐情况"
        PROJECT = "project", "慈善项目实施情况"
        TRUST = "trust", "慈善信托事务"
        RELATED_PARTIES = "related_parties", "关联方名单"
        MAJOR_EVENT = "major_event", "重大资产变动、投资及关联交易"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField("公开事项", max_length=30, choices=Subject.choices)
    title = models.CharField("内容", max_length=160)
    due_on = models.DateField("应公开日期")
    disclosed_on = models.DateField("实际公开日期", null=True, blank=True)

    objects: ClassVar[OrgScoped[Disclosure]] = OrgScoped.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("due_on", "id")
        verbose_name = "信息公开"

    def __str__(self) -> str:
        return self.title
