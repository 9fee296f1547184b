"""State changes of charity supervision: one transaction each, permission-checked, audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction

from minzheng.accounts.models import User
from minzheng.charity.models import (
    Campaign,
    CharitableTrust,
    Disclosure,
    Donation,
    Expenditure,
    FundraisingPlan,
    Project,
    Recognition,
    YearlyFinancials,
)
from minzheng.core import audit
from minzheng.core.errors import DomainError, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.organisations.actions import _org, _require
from minzheng.organisations.inputs import choice, parse_amount, parse_date, parse_year, require_text
from minzheng.organisations.models import Organisation
from minzheng.organisations.queries import params_for

Action = AuditEvent.Action


class CharityRefused(DomainError):
    code = "charity_refused"


def _charity(actor: User, org_id: int) -> Organisation:
    org = _org(actor, org_id, lock=True)
    _require(actor, org.region_id)
    if not hasattr(org, "charity"):
        raise CharityRefused(f"{org.name}尚未认定为慈善组织")
    return org


def do_recognise_charity(
    actor: User, org_id: int, *, recognised_on: date, public_fundraising: bool = False
) -> Recognition:
    with transaction.atomic():
        org = _org(actor, org_id, lock=True)
        _require(actor, org.region_id)
        if org.status != Organisation.Status.ACTIVE:
            raise CharityRefused(f"{org.name}已{org.get_status_display()}")
        if hasattr(org, "charity"):
            raise CharityRefused(f"{org.name}已认定为慈善组织")
        rec = Recognition.objects.create(
            organisation=org,
            recognised_on=recognised_on,
            public_fundraising=public_fundraising,
            public_fundraising_since=recognised_on if public_fundraising else None,
        )
        org.is_charity = True
        org.save(update_fields=["is_charity"])
        audit.record(
            actor,
            Action.APPROVE,
            "charity_recognition",
            rec.pk,
            summary=f"认定慈善组织：{org.name}",
            region_code=org.region_id,
        )
    return rec


def do_record_donation(actor: User, org_id: int, *, data: dict[str, Any]) -> Donation:
    """A gift received; goods are booked at their valuation, with what the valuation rests on."""
    form = choice(data.get("form"), Donation.Form.choices, "捐赠形式")
    received_on = parse_date(data.get("received_on"), "接收日期")
    donor = require_text(data.get("donor"), "捐赠人", 120)
    amount = parse_amount(data.get("amount"), "金额或估值", allow_zero=False)
    goods = basis = ""
    if form == Donation.Form.GOODS:
        goods = require_text(data.get("goods"), "物资名称", 120)
        basis = require_text(
            data.get("valuation_basis"), "物资估值依据（发票、评估报告或市场价）", 120
        )
    with transaction.atomic():
        org = _charity(actor, org_id)
        project = _project(org, data.get("project"))
        campaign = None
        if str(data.get("campaign") or "").strip():
            campaign = (
                Campaign.objects.visible_to(actor).filter(pk=str(data["campaign"]).strip()).first()
            )
            if campaign is None:
                raise ValidationFailed("慈善一日捐活动不存在", code="bad_campaign")
        count = Donation.objects.filter(
            organisation=org, received_on__year=received_on.year
        ).count()
        receipt = f"JZ{org.credit_code[-6:]}{received_on.year}{count + 1:06d}"
        try:
            with transaction.atomic():
                donation = Donation.objects.create(
                    organisation=org,
                    project=project,
                    campaign=campaign,
                    received_on=received_on,
                    donor=donor,
                    form=form,
                    goods=goods,
                    valuation_basis=basis,
                    amount=amount,
                    receipt_number=receipt,
                )
        except IntegrityError:
            raise CharityRefused("捐赠票据号冲突，请重试") from None
        audit.record(
            actor,
            Action.CREATE,
            "donation",
            donation.pk,
            summary=f"接收捐赠{amount}元（{donation.get_form_display()}）：{org.name}",
            region_code=org.region_id,
        )
    return donation


def do_record_expenditure(actor: User, org_id: int, *, data: dict[str, Any]) -> Expenditure:
    category = choice(data.get("category"), Expenditure.Category.choices, "支出类别")
    spent_on = parse_date(data.get("spent_on"), "支出日期")
    amount = parse_amount(data.get("amount"), "金额", allow_zero=False)
    purpose = require_text(data.get("purpose"), "用途", 200)
    with transaction.atomic():
        org = _charity(actor, org_id)
        project = _project(org, data.get("project"))
        row = Expenditure.objects.create(
            organisation=org,
            project=project,
            spent_on=spent_on,
            category=category,
            amount=amount,
            purpose=purpose,
        )
        audit.record(
            actor,
            Action.CREATE,
            "charity_expenditure",
            row.pk,
            summary=f"登记支出{amount}元：{org.name}",
            region_code=org.region_id,
        )
    return row


def do_file_fundraising_plan(actor: User, org_id: int, *, data: dict[str, Any]) -> FundraisingPlan:
    """募捐方案备案: only an organisation with the public-fundraising qualification; filed the set
    number of days before the start — a late filing is kept and marked, so it can be followed up."""
    title = require_text(data.get("title"), "募捐方案名称", 120)
    target = parse_amount(data.get("target"), "募捐目标", allow_zero=False)
    filed_on = parse_date(data.get("filed_on"), "备案日期")
    starts_on = parse_date(data.get("starts_on"), "开始日期")
    ends_on = parse_date(data.get("ends_on"), "结束日期")
    if ends_on < starts_on:
        raise ValidationFailed("结束日期不能早于开始日期", code="bad_date")
    with transaction.atomic():
        org = _charity(actor, org_id)
        if not org.charity.public_fundraising:
            raise CharityRefused(f"{org.name}不具有公开募捐资格，不能备案公开募捐方案")
        days, p = params_for(org.region_id, filed_on).integer(
            "charity.fundraising.plan_days_before"
        )
        plan = FundraisingPlan.objects.create(
            organisation=org,
            project=_project(org, data.get("project")),
            title=title,
            target=target,
            filed_on=filed_on,
            starts_on=starts_on,
            ends_on=ends_on,
            filed_in_time=filed_on <= starts_on - timedelta(days=days),
            parameter_versions=[p.version_id],
        )
        audit.record(
            actor,
            Action.CREATE,
            "fundraising_plan",
            plan.pk,
            summary=f"募捐方案备案：{title}",
            region_code=org.region_id,
        )
    return plan


def do_open_campaign(actor: User, org_id: int, *, data: dict[str, Any]) -> Campaign:
    """慈善一日捐 of a year in the organiser's city or county, one a region a year: organised by a
    charity with the public-fundraising qualification; gifts are then booked to it
    (`do_record_donation` with its `campaign`)."""
    year = parse_year(data.get("year"))
    name = require_text(data.get("name"), "活动名称", 120)
    with transaction.atomic():
        org = _charity(actor, org_id)
        if not org.charity.public_fundraising:
            raise CharityRefused(f"{org.name}不具有公开募捐资格，不能组织慈善一日捐")
        if Campaign.objects.filter(region_id=org.region_id, year=year).exists():
            raise CharityRefused(f"{org.region.name}{year}年的慈善一日捐已经开展")
        campaign = Campaign.objects.create(
            region_id=org.region_id, year=year, name=name, organiser=org
        )
        audit.record(
            actor,
            Action.CREATE,
            "charity_campaign",
            campaign.pk,
            summary=f"开展慈善一日捐：{name}",
            region_code=org.region_id,
        )
    return campaign


def do_register_trust(actor: User, org_id: int, *, data: dict[str, Any]) -> CharitableTrust:
    name = require_text(data.get("name"), "信托名称", 120)
    settlor = require_text(data.get("settlor"), "委托人", 120)
    amount = parse_amount(data.get("property_amount"), "信托财产", allow_zero=False)
    established = parse_date(data.get("established_on"), "信托合同签订日期")
    filed = parse_date(data.get("filed_on"), "备案日期")
    if filed < established:
        raise ValidationFailed("备案日期不能早于信托合同签订日期", code="bad_date")
    with transaction.atomic():
        org = _org(actor, org_id, lock=True)
        _require(actor, org.region_id)
        days, p = params_for(org.region_id, filed).integer("charity.trust.filing_days")
        trust = CharitableTrust.objects.create(
            trustee=org,
            name=name,
            settlor=settlor,
            property_amount=amount,
            established_on=established,
            filed_on=filed,
            filed_in_time=filed <= established + timedelta(days=days),
            parameter_versions=[p.version_id],
        )
        Disclosure.objects.create(
            organisation=org,
            subject=Disclosure.Subject.TRUST,
            title=f"{name}年度信托事务",
            due_on=date(established.year + 1, 5, 31),
        )
        audit.record(
            actor,
            Action.CREATE,
            "charitable_trust",
            trust.pk,
            summary=f"慈善信托备案：{name}",
            region_code=org.region_id,
        )
    return trust


def do_record_financials(actor: User, org_id: int, *, data: dict[str, Any]) -> YearlyFinancials:
    year = parse_year(data.get("year"))
    values = {
        "prior_year_income": parse_amount(data.get("prior_year_income"), "上年总收入"),
        "prior_year_net_assets": parse_amount(data.get("prior_year_net_assets"), "上年末净资产"),
        "charitable_spending": parse_amount(data.get("charitable_spending"), "年度慈善活动支出"),
        "management_cost": parse_amount(data.get("management_cost"), "年度管理费用"),
        "total_spending": parse_amount(data.get("total_spending"), "年度总支出"),
    }
    avg_raw = str(data.get("three_year_average_income") or "").strip()
    average = parse_amount(avg_raw, "前三年收入平均数") if avg_raw else None
    if values["charitable_spending"] + values["management_cost"] > values["total_spending"]:
        raise ValidationFailed("慈善活动支出与管理费用之和不能超过年度总支出", code="bad_amount")
    with transaction.atomic():
        org = _charity(actor, org_id)
        row, _ = YearlyFinancials.objects.update_or_create(
            organisation=org,
            year=year,
            defaults={**values, "three_year_average_income": average},
        )
        audit.record(
            actor,
            Action.UPDATE,
            "charity_financials",
            row.pk,
            summary=f"{year}年度财务数据：{org.name}",
            region_code=org.region_id,
            after={k: str(v) for k, v in values.items()},
        )
    return row


def do_mark_disclosed(actor: User, disclosure_id: int, *, on: date) -> Disclosure:
    with transaction.atomic():
        row = (
            Disclosure.objects.select_for_update()
            .select_related("organisation")
            .get_visible(actor, pk=disclosure_id)
        )
        _require(actor, row.organisation.region_id)
        if row.disclosed_on is not None:
            raise CharityRefused("该事项已公开")
        row.disclosed_on = on
        row.save(update_fields=["disclosed_on"])
        audit.record(
            actor,
            Action.UPDATE,
            "charity_disclosure",
            row.pk,
            summary=f"信息公开：{row.title}",
            region_code=row.organisation.region_id,
        )
    return row


def _project(org: Organisation, raw: object) -> Project | None:
    text = str(raw or "").strip()
    if not text:
        return None
    project = Project.objects.filter(organisation=org, pk=text).first() if text.isdigit() else None
    if project is None:
        raise ValidationFailed("慈善项目不存在或不属于该组织", code="bad_project")
    return project


def do_create_project(actor: User, org_id: int, *, data: dict[str, Any]) -> Project:
    name = require_text(data.get("name"), "项目名称", 120)
    starts_on = parse_date(data.get("starts_on"), "开始日期")
    with transaction.atomic():
        org = _charity(actor, org_id)
        if Project.objects.filter(organisation=org, name=name).exists():
            raise CharityRefused(f"项目“{name}”已存在")
        project = Project.objects.create(organisation=org, name=name, starts_on=starts_on)
        audit.record(
            actor,
            Action.CREATE,
            "charity_project",
            project.pk,
            summary=f"新增慈善项目：{name}",
            region_code=org.region_id,
        )
    return project
