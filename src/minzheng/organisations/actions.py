"""State changes of the organisation registry: each `do_*` is one transaction, permission-checked
and audited. The rules they apply are in rules.py; the values those read are dated parameters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core import audit
from minzheng.core.creditcode import parse as parse_credit_code
from minzheng.core.errors import DomainError, PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.regioncode import RegionCode, county_of
from minzheng.organisations import rules
from minzheng.organisations.inputs import (
    choice,
    parse_amount,
    parse_date,
    parse_year,
    require_text,
)
from minzheng.organisations.models import (
    KIND_TYPE_CODES,
    AnnualReport,
    CreditListing,
    FeeInspection,
    Kind,
    Organisation,
    Rating,
    RegistrationApplication,
)
from minzheng.organisations.queries import params_for
from minzheng.regions.models import Region
from minzheng.registry.models import Person

Action = AuditEvent.Action
App = RegistrationApplication
# The particulars an establishment asks for and a change may alter.
CHANGEABLE = (
    "name",
    "supervising_unit",
    "legal_rep_name",
    "registered_capital",
    "scope",
    "address",
)


class OrganisationRefused(DomainError):
    code = "organisation_refused"


def _require(actor: User, region_code: str | None = None) -> None:
    if not actor.can(Capability.MANAGE_ORGANISATIONS):
        raise PermissionDenied("您的角色无权办理社会组织登记管理事项")
    if region_code is not None and not actor.covers(region_code):
        raise PermissionDenied("该区划不在您的管辖范围内")


def _org(actor: User, org_id: int, *, lock: bool = False) -> Organisation:
    rows = Organisation.objects.select_for_update() if lock else Organisation.objects
    return rows.get_visible(actor, pk=org_id)


def authority_name(region: Region) -> str:
    return f"{region.name}民政局"


# ── registration ────────────────────────────────────────────────────────────────────────────


def _particulars(data: dict[str, Any], *, partial: bool) -> dict[str, str]:
    labels = {
        "name": ("名称", 120),
        "supervising_unit": ("业务主管单位", 80),
        "legal_rep_name": ("法定代表人", 60),
        "scope": ("业务范围", 2000),
        "address": ("住所", 200),
    }
    out: dict[str, str] = {}
    for key, (label, length) in labels.items():
        if partial and not str(data.get(key) or "").strip():
            continue
        if key in ("supervising_unit", "address") and not partial:
            out[key] = str(data.get(key) or "").strip()[:length]
            continue
        out[key] = require_text(data.get(key), label, length)
    if not partial or str(data.get("registered_capital") or "").strip():
        out["registered_capital"] = str(
            parse_amount(data.get("registered_capital"), "注册资金", allow_zero=False)
        )
    return out


def do_accept_registration(
    actor: User,
    *,
    type: str,
    region_code: str,
    data: dict[str, Any],
    accepted_on: date,
    organisation_id: int | None = None,
    reason: str = "",
) -> RegistrationApplication:
    """受理 an establishment, change or deregistration application; deadlines in working days."""
    kind_of = choice(type, App.Type.choices, "申请类型")
    org = None
    if kind_of == App.Type.ESTABLISH:
        region = Region.objects.filter(code=region_code).first()
        if region is None or region.level not in ("city", "county"):
            raise ValidationFailed("登记管理机关区划应为市或区县", code="bad_region")
        particulars = _particulars(data, partial=False)
        kind = choice(data.get("kind"), Kind.choices, "组织类型")
        name = particulars["name"]
        if Organisation.objects.filter(name=name).exists():
            raise OrganisationRefused(f"名称“{name}”已被登记使用")
    else:
        if organisation_id is None:
            raise ValidationFailed("请选择社会组织", code="missing_organisation")
        org = _org(actor, organisation_id)
        if org.status != Organisation.Status.ACTIVE:
            raise OrganisationRefused(f"{org.name}已{org.get_status_display()}，不能再申请")
        region, kind, name = org.region, org.kind, org.name
        particulars = _particulars(data, partial=True) if kind_of == App.Type.CHANGE else {}
        if kind_of == App.Type.CHANGE and not particulars:
            raise ValidationFailed("变更登记至少要填写一项变更事项", code="nothing_changed")
        if kind_of == App.Type.DEREGISTER and not reason.strip():
            raise ValidationFailed("注销登记请填写注销事由（如清算完成）", code="missing_reason")
    _require(actor, region.code)
    params = params_for(region.code, accepted_on)
    review = rules.registration_deadline(accepted_on, params, step="review")
    decision = rules.registration_deadline(accepted_on, params, step="decision")
    with transaction.atomic():
        count = App.objects.filter(accepted_on__year=accepted_on.year).count() + 1
        try:
            with transaction.atomic():
                app = App.objects.create(
                    number=f"SZDJ{accepted_on.year}{count:06d}",
                    type=kind_of,
                    status=App.Status.ACCEPTED,
                    organisation=org,
                    region=region,
                    name=name,
                    kind=kind,
                    particulars=particulars,
                    reason=reason.strip()[:2000],
                    accepted_on=accepted_on,
                    review_due=review.on,
                    decision_due=decision.on,
                    parameter_versions=[review.parameter.version_id, decision.parameter.version_id],
                    created_by=actor,
                )
        except IntegrityError:
            raise OrganisationRefused("申请编号冲突（同时受理了另一件申请），请重新提交") from None
        audit.record(
            actor,
            Action.CREATE,
            "organisation_application",
            app.pk,
            summary=f"受理{app.get_type_display()}：{name}（{app.number}）",
            after={"particulars": particulars},
            region_code=region.code,
        )
    return app


def do_review_registration(
    actor: User, app_id: int, *, passed: bool, note: str, on: date
) -> RegistrationApplication:
    """初审: pass it on to the decision, or refuse with the reason."""
    with transaction.atomic():
        app = App.objects.select_for_update().get_visible(actor, pk=app_id)
        _require(actor, app.region_id)
        if app.status != App.Status.ACCEPTED:
            raise OrganisationRefused(
                f"申请{app.number}当前为“{app.get_status_display()}”，不能初审"
            )
        if not passed and not note.strip():
            raise ValidationFailed("不予登记须写明理由", code="missing_reason")
        app.status = App.Status.REVIEWED if passed else App.Status.REFUSED
        app.reviewed_on = on
        if not passed:
            app.decided_on = on
        app.decision_note = note.strip()[:2000]
        app.save(update_fields=["status", "reviewed_on", "decided_on", "decision_note"])
        audit.record(
            actor,
            Action.TRANSITION,
            "organisation_application",
            app.pk,
            summary=f"初审{'通过' if passed else '不予登记'}：{app.name}",
            region_code=app.region_id,
        )
    return app


def do_decide_registration(
    actor: User,
    app_id: int,
    *,
    approve: bool,
    on: date,
    note: str = "",
    credit_code: str = "",
    founded_on: date | None = None,
) -> RegistrationApplication:
    """核准 (or refuse): an establishment creates the organisation with its checked credit code;
    a change applies the changed particulars; a deregistration closes the organisation."""
    with transaction.atomic():
        app = App.objects.select_for_update().get_visible(actor, pk=app_id)
        _require(actor, app.region_id)
        if not actor.can(Capability.APPROVE) and not actor.can(Capability.MANAGE_PARAMETERS):
            raise PermissionDenied("核准登记须由审批人员办理")
        if app.status != App.Status.REVIEWED:
            raise OrganisationRefused(
                f"申请{app.number}当前为“{app.get_status_display()}”，不能核准"
            )
        if not approve:
            if not note.strip():
                raise ValidationFailed("不予登记须写明理由", code="missing_reason")
            app.status, app.decided_on, app.decision_note = App.Status.REFUSED, on, note.strip()
            app.save(update_fields=["status", "decided_on", "decision_note"])
            audit.record(
                actor,
                Action.APPROVE,
                "organisation_application",
                app.pk,
                summary=f"不予登记：{app.name}",
                region_code=app.region_id,
            )
            return app
        p = app.particulars
        if app.type == App.Type.ESTABLISH:
            check = parse_credit_code(credit_code).require_valid()
            expected = KIND_TYPE_CODES[Kind(app.kind)]
            if not check.is_civil_affairs or check.type_code != expected:
                raise ValidationFailed(
                    f"统一社会信用代码应以5{expected}开头（民政部门登记的{Kind(app.kind).label}），"
                    f"这里是{check.normalized[:2]}（{check.authority_name}·{check.type_name}）",
                    code="credit_code_kind_mismatch",
                )
            if check.region_code != county_of(app.region_id) and check.region_code != RegionCode.of(
                app.region_id
            ).key6("city"):
                raise ValidationFailed(
                    f"统一社会信用代码第3—8位{check.region_code}（{check.region_name}）"
                    f"与登记管理机关{app.region.name}不符",
                    code="credit_code_region_mismatch",
                )
            if Organisation.objects.filter(credit_code=check.normalized).exists():
                raise OrganisationRefused(f"统一社会信用代码{check.normalized}已被使用")
            founded = founded_on or on
            valid_until, cert_param = rules.certificate_valid_until(
                founded, params_for(app.region_id, founded)
            )
            try:
                with transaction.atomic():
                    org = Organisation.objects.create(
                        name=p["name"],
                        kind=app.kind,
                        credit_code=check.normalized,
                        region=app.region,
                        authority=authority_name(app.region),
                        supervising_unit=p.get("supervising_unit", ""),
                        legal_rep_name=p["legal_rep_name"],
                        registered_capital=Decimal(p["registered_capital"]),
                        scope=p["scope"],
                        address=p.get("address", ""),
                        founded_on=founded,
                        certificate_valid_until=valid_until,
                    )
            except IntegrityError:
                raise OrganisationRefused("名称或统一社会信用代码已被使用") from None
            app.organisation = org
            app.parameter_versions = [*app.parameter_versions, cert_param.version_id]
        else:
            assert app.organisation_id is not None  # only establishments come without one
            org = Organisation.objects.select_for_update().get(pk=app.organisation_id)
            before = {k: str(getattr(org, k)) for k in CHANGEABLE}
            if app.type == App.Type.CHANGE:
                for key, value in p.items():
                    setattr(org, key, Decimal(value) if key == "registered_capital" else value)
                org.save(update_fields=list(p))
            else:
                org.status = Organisation.Status.DEREGISTERED
                org.save(update_fields=["status"])
            audit.record(
                actor,
                Action.UPDATE,
                "organisation",
                org.pk,
                summary=f"{app.get_type_display()}：{org.name}",
                before=before,
                after={k: str(getattr(org, k)) for k in (*CHANGEABLE, "status")},
                region_code=org.region_id,
            )
        app.status, app.decided_on, app.decision_note = App.Status.APPROVED, on, note.strip()
        app.save(
            update_fields=[
                "status",
                "decided_on",
                "decision_note",
                "organisation",
                "parameter_versions",
            ]
        )
        audit.record(
            actor,
            Action.APPROVE,
            "organisation_application",
            app.pk,
            summary=f"核准{app.get_type_display()}：{app.name}",
            region_code=app.region_id,
        )
    return app


def do_import_organisation(actor: User, *, region_code: str, data: dict[str, Any]) -> Organisation:
    """Take over an organisation registered before this system (历史登记数据迁移): the credit code
    is checked as at registration; the certificate's validity is taken as recorded."""
    region = Region.objects.filter(code=region_code).first()
    if region is None or region.level not in ("city", "county"):
        raise ValidationFailed("登记管理机关区划应为市或区县", code="bad_region")
    _require(actor, region.code)
    p = _particulars(data, partial=False)
    kind = Kind(choice(data.get("kind"), Kind.choices, "组织类型"))
    check = parse_credit_code(str(data.get("credit_code") or "")).require_valid()
    if not check.is_civil_affairs or check.type_code != KIND_TYPE_CODES[kind]:
        raise ValidationFailed(
            f"统一社会信用代码应以5{KIND_TYPE_CODES[kind]}开头（民政部门登记的{kind.label}）",
            code="credit_code_kind_mismatch",
        )
    founded = parse_date(data.get("founded_on"), "成立日期")
    valid_until = parse_date(data.get("certificate_valid_until"), "登记证书有效期")
    with transaction.atomic():
        try:
            with transaction.atomic():
                org = Organisation.objects.create(
                    name=p["name"],
                    kind=kind,
                    credit_code=check.normalized,
                    region=region,
                    authority=authority_name(region),
                    supervising_unit=p.get("supervising_unit", ""),
                    legal_rep_name=p["legal_rep_name"],
                    registered_capital=Decimal(p["registered_capital"]),
                    scope=p["scope"],
                    address=p.get("address", ""),
                    founded_on=founded,
                    certificate_valid_until=valid_until,
                    is_trade_association=bool(data.get("is_trade_association")),
                )
        except IntegrityError:
            raise OrganisationRefused("名称或统一社会信用代码已被使用") from None
        audit.record(
            actor,
            Action.CREATE,
            "organisation",
            org.pk,
            summary=f"迁入历史登记：{org.name}",
            region_code=region.code,
        )
    return org


def do_set_legal_representative(actor: User, org_id: int, person_id: int | None) -> Organisation:
    """Link the legal representative to a person in the registry (or unlink: an outside person)."""
    with transaction.atomic():
        org = _org(actor, org_id, lock=True)
        _require(actor, org.region_id)
        person = Person.objects.get_visible(actor, pk=person_id) if person_id else None
        org.legal_rep_person = person
        if person is not None:
            org.legal_rep_name = person.name
        org.save(update_fields=["legal_rep_person", "legal_rep_name"])
        audit.record(
            actor,
            Action.UPDATE,
            "organisation",
            org.pk,
            summary=f"法定代表人：{org.legal_rep_name}",
            region_code=org.region_id,
            person_id=person.pk if person else None,
        )
    return org


def do_record_supervision(
    actor: User, org_id: int, *, penalised_on: object, under_investigation: bool
) -> Organisation:
    """Record the latest administrative penalty and whether an investigation is open: both are
    exclusion grounds of the rating (全国性社会组织评估管理规定)."""
    text = str(penalised_on or "").strip()
    day = parse_date(text, "行政处罚日期") if text else None
    with transaction.atomic():
        org = _org(actor, org_id, lock=True)
        _require(actor, org.region_id)
        before = {
            "penalised_on": str(org.penalised_on),
            "under_investigation": org.under_investigation,
        }
        org.penalised_on, org.under_investigation = day, under_investigation
        org.save(update_fields=["penalised_on", "under_investigation"])
        audit.record(
            actor,
            Action.UPDATE,
            "organisation",
            org.pk,
            summary=f"监管信息：{org.name}",
            before=before,
            after={"penalised_on": str(day), "under_investigation": under_investigation},
            region_code=org.region_id,
        )
    return org


# ── annual inspection ───────────────────────────────────────────────────────────────────────


def do_file_annual_report(
    actor: User, org_id: int, *, report_year: object, data: dict[str, Any], filed_on: date
) -> AnnualReport:
    """Online filing (网上年报) of one year's report, to the supervising unit first."""
    year = parse_year(report_year, "报告年度")
    income = parse_amount(data.get("income"), "年度总收入")
    expenditure = parse_amount(data.get("expenditure"), "年度总支出")
    net_assets = parse_amount(data.get("net_assets"), "年末净资产")
    activities = require_text(data.get("activities"), "业务活动情况", 4000)
    with transaction.atomic():
        org = _org(actor, org_id, lock=True)
        _require(actor, org.region_id)
        if filed_on.year <= year:
            raise ValidationFailed(f"{year}年度的年报应在{year + 1}年报送", code="too_early")
        cycle = rules.annual_cycle(year, params_for(org.region_id, filed_on))
        obligation = rules.annual_report_required(org.founded_on, cycle)
        if not obligation.required:
            raise OrganisationRefused(
                f"{org.name}成立于{org.founded_on.isoformat()}，晚于"
                f"{cycle.exempt_founded_after.isoformat()}，免于{year}年度年检"
            )
        if AnnualReport.objects.filter(organisation=org, report_year=year).exists():
            raise OrganisationRefused(f"{org.name}{year}年度的年报已经报送")
        report = AnnualReport.objects.create(
            organisation=org,
            report_year=year,
            status=AnnualReport.Status.FILED,
            filed_on=filed_on,
            income=income,
            expenditure=expenditure,
            net_assets=net_assets,
            activities=activities,
        )
        audit.record(
            actor,
            Action.CREATE,
            "annual_report",
            report.pk,
            summary=f"报送{year}年度年报：{org.name}",
            region_code=org.region_id,
        )
    return report


def do_supervisor_approve(actor: User, report_id: int, *, on: date) -> AnnualReport:
    with transaction.atomic():
        report = (
            AnnualReport.objects.select_for_update()
            .select_related("organisation")
            .get_visible(actor, pk=report_id)
        )
        _require(actor, report.organisation.region_id)
        if report.status != AnnualReport.Status.FILED:
            raise OrganisationRefused("该年报不在待业务主管单位初审状态")
        report.status, report.supervisor_approved_on = AnnualReport.Status.SUPERVISOR_APPROVED, on
        report.save(update_fields=["status", "supervisor_approved_on"])
        audit.record(
            actor,
            Action.TRANSITION,
            "annual_report",
            report.pk,
            summary=f"业务主管单位初审同意：{report.organisation.name}",
            region_code=report.organisation.region_id,
        )
    return report


def do_review_annual_report(
    actor: User, report_id: int, *, outcome: str, note: str, on: date
) -> AnnualReport:
    """The registration authority's conclusion: 合格, 基本合格 or 不合格."""
    result = choice(outcome, AnnualReport.Outcome.choices, "年检结论")
    with transaction.atomic():
        report = (
            AnnualReport.objects.select_for_update()
            .select_related("organisation")
            .get_visible(actor, pk=report_id)
        )
        _require(actor, report.organisation.region_id)
        if report.status != AnnualReport.Status.SUPERVISOR_APPROVED:
            raise OrganisationRefused("年报须经业务主管单位初审同意后才能审结")
        if result != AnnualReport.Outcome.QUALIFIED and not note.strip():
            raise ValidationFailed("基本合格或不合格须写明问题", code="missing_reason")
        report.status, report.reviewed_on = AnnualReport.Status.REVIEWED, on
        report.outcome, report.review_note = result, note.strip()[:2000]
        report.save(update_fields=["status", "reviewed_on", "outcome", "review_note"])
        audit.record(
            actor,
            Action.APPROVE,
            "annual_report",
            report.pk,
            summary=f"年检结论{report.get_outcome_display()}：{report.organisation.name}",
            region_code=report.organisation.region_id,
        )
    return report


# ── credit supervision ──────────────────────────────────────────────────────────────────────


def do_list_abnormal(
    actor: User, org_id: int, *, reason: str, decided_on: date, entered_on: date
) -> CreditListing:
    """列入活动异常名录, entered within the set working days of the decision."""
    why = choice(
        reason,
        [
            c
            for c in CreditListing.Reason.choices
            if c[0] != CreditListing.Reason.ABNORMAL_TWO_YEARS
        ],
        "列入事由",
    )
    if entered_on < decided_on:
        raise ValidationFailed("录入日期不能早于决定日期", code="bad_date")
    with transaction.atomic():
        org = _org(actor, org_id, lock=True)
        _require(actor, org.region_id)
        params = params_for(org.region_id, decided_on)
        deadline = rules.credit_entry_deadline(decided_on, params)
        if entered_on > deadline.on:
            raise OrganisationRefused(
                f"应在决定后{deadline.parameter.value}个工作日内（{deadline.on.isoformat()}前）录入，"
                f"{entered_on.isoformat()}已超期，请核实后说明情况"
            )
        try:
            with transaction.atomic():
                listing = CreditListing.objects.create(
                    organisation=org,
                    list=CreditListing.List.ABNORMAL,
                    reason=why,
                    status=CreditListing.Status.LISTED,
                    decided_on=decided_on,
                    entered_on=entered_on,
                    entry_due=deadline.on,
                    parameter_versions=[deadline.parameter.version_id],
                )
        except IntegrityError:
            raise OrganisationRefused(f"{org.name}已在活动异常名录中") from None
        audit.record(
            actor,
            Action.CREATE,
            "credit_listing",
            listing.pk,
            summary=f"列入活动异常名录：{org.name}（{listing.get_reason_display()}）",
            region_code=org.region_id,
        )
    return listing


def do_file_objection(actor: User, listing_id: int, *, text: str, on: date) -> CreditListing:
    """An organisation's objection (异议) to a listing, recorded for the authority's answer."""
    body = require_text(text, "异议内容", 2000)
    with transaction.atomic():
        listing = _listing(actor, listing_id)
        if listing.status != CreditListing.Status.LISTED:
            raise OrganisationRefused("该记录已不在名录中")
        listing.objection, listing.objection_on = body, on
        listing.save(update_fields=["objection", "objection_on"])
        audit.record(
            actor,
            Action.UPDATE,
            "credit_listing",
            listing.pk,
            summary=f"登记异议：{listing.organisation.name}",
            region_code=listing.organisation.region_id,
        )
    return listing


def do_remove_listing(
    actor: User, listing_id: int, *, reason: str, on: date, objection_upheld: bool = False
) -> CreditListing:
    """移出 (信用修复), or an upheld objection. A listing for a missing annual report is repaired
    only once that year's report has been filed."""
    text = require_text(reason, "移出事由", 2000)
    with transaction.atomic():
        listing = _listing(actor, listing_id)
        org = listing.organisation
        if listing.status != CreditListing.Status.LISTED:
            raise OrganisationRefused("该记录已不在名录中")
        if listing.list == CreditListing.List.SERIOUS and not objection_upheld:
            raise OrganisationRefused("严重违法失信名单只能因异议成立而移出，或按期满规定办理")
        if (
            not objection_upheld
            and listing.reason == CreditListing.Reason.NO_ANNUAL_REPORT
            and not AnnualReport.objects.filter(
                organisation=org, filed_on__gte=listing.decided_on
            ).exists()
        ):
            raise OrganisationRefused(f"{org.name}尚未补报年度报告，不能移出活动异常名录")
        listing.status, listing.removed_on = CreditListing.Status.REMOVED, on
        listing.removal_reason = text
        if objection_upheld:
            listing.objection_reply = f"异议成立：{text}"
        listing.save(update_fields=["status", "removed_on", "removal_reason", "objection_reply"])
        audit.record(
            actor,
            Action.UPDATE,
            "credit_listing",
            listing.pk,
            summary=f"移出{listing.get_list_display()}：{org.name}",
            region_code=org.region_id,
        )
    return listing


def do_escalate_listings(actor: User, *, today: date) -> list[CreditListing]:
    """Abnormal-list entries past the set years become 严重违法失信名单 entries (a daily job)."""
    _require(actor)
    created = []
    with transaction.atomic():
        due = (
            CreditListing.objects.visible_to(actor)
            .select_for_update()
            .filter(list=CreditListing.List.ABNORMAL, status=CreditListing.Status.LISTED)
            .select_related("organisation")
        )
        for listing in due:
            org = listing.organisation
            params = params_for(org.region_id, today)
            escalation = rules.serious_list_escalation(listing.decided_on, today, params)
            if not escalation.due:
                continue
            entry = rules.credit_entry_deadline(today, params)
            listing.status = CreditListing.Status.ESCALATED
            listing.save(update_fields=["status"])
            serious = CreditListing.objects.create(
                organisation=org,
                list=CreditListing.List.SERIOUS,
                reason=CreditListing.Reason.ABNORMAL_TWO_YEARS,
                status=CreditListing.Status.LISTED,
                decided_on=today,
                entered_on=today,
                entry_due=entry.on,
                source_listing=listing,
                parameter_versions=[p.version_id for p in escalation.criterion.parameters],
            )
            audit.record(
                actor,
                Action.CREATE,
                "credit_listing",
                serious.pk,
                summary=f"列入严重违法失信名单：{org.name}",
                region_code=org.region_id,
            )
            created.append(serious)
    return created


def _listing(actor: User, listing_id: int) -> CreditListing:
    listing = (
        CreditListing.objects.select_for_update()
        .select_related("organisation")
        .get_visible(actor, pk=listing_id)
    )
    _require(actor, listing.organisation.region_id)
    return listing


# ── rating ──────────────────────────────────────────────────────────────────────────────────


def rating_facts(org: Organisation, year: int, day: date) -> rules.RatingFacts:
    outcomes = {
        r.report_year: rules.InspectionOutcome(r.outcome)
        for r in AnnualReport.objects.filter(organisation=org).exclude(outcome="")
    }
    listed = CreditListing.objects.filter(organisation=org, status=CreditListing.Status.LISTED)
    return rules.RatingFacts(
        year=year,
        outcomes=outcomes,
        penalised_in_period=bool(org.penalised_on and org.penalised_on.year >= year - 2),
        on_credit_list=listed.exists(),
        under_investigation=org.under_investigation,
    )


def do_award_rating(
    actor: User, org_id: int, *, grade: object, score: object, awarded_on: date
) -> Rating:
    try:
        level = int(str(grade))
    except ValueError:
        level = 0
    if level not in Rating.Grade.values:
        raise ValidationFailed("评估等级应为1A至5A", code="bad_grade")
    points = parse_amount(score, "评估得分")
    with transaction.atomic():
        org = _org(actor, org_id, lock=True)
        _require(actor, org.region_id)
        eligibility = rules.rating_eligibility(rating_facts(org, awarded_on.year, awarded_on))
        if not eligibility.eligible:
            raise OrganisationRefused(f"{org.name}不符合参评条件：{'；'.join(eligibility.reasons)}")
        valid_until, p = rules.rating_valid_until(awarded_on, params_for(org.region_id, awarded_on))
        rating = Rating.objects.create(
            organisation=org,
            grade=level,
            score=points,
            awarded_on=awarded_on,
            valid_until=valid_until,
            criteria=[c.to_dict() for c in eligibility.criteria],
            parameter_versions=[p.version_id],
        )
        audit.record(
            actor,
            Action.APPROVE,
            "organisation_rating",
            rating.pk,
            summary=f"评定{rating.get_grade_display()}：{org.name}",
            region_code=org.region_id,
        )
    return rating


# ── fee inspection of trade associations ───────────────────────────────────────────────────


def do_record_fee_inspection(actor: User, org_id: int, *, data: dict[str, Any]) -> FeeInspection:
    year = parse_year(data.get("year"), "检查年度")
    inspected_on = parse_date(data.get("inspected_on"), "检查日期")
    finding = choice(data.get("finding"), FeeInspection.Finding.choices, "检查结论")
    irregular = parse_amount(data.get("irregular_amount") or "0", "违规收费金额")
    refunded = parse_amount(data.get("refunded_amount") or "0", "已清退金额")
    if refunded > irregular:
        raise ValidationFailed("已清退金额不能大于违规收费金额", code="bad_amount")
    if finding == FeeInspection.Finding.COMPLIANT and irregular:
        raise ValidationFailed("未发现问题时违规收费金额应为0", code="bad_amount")
    with transaction.atomic():
        org = _org(actor, org_id, lock=True)
        _require(actor, org.region_id)
        if not org.is_trade_association:
            raise OrganisationRefused(f"{org.name}不是行业协会商会，不在收费检查范围")
        inspection = FeeInspection.objects.create(
            organisation=org,
            year=year,
            inspected_on=inspected_on,
            finding=finding,
            irregular_amount=irregular,
            refunded_amount=refunded,
            details=str(data.get("details") or "").strip()[:2000],
        )
        audit.record(
            actor,
            Action.CREATE,
            "fee_inspection",
            inspection.pk,
            summary=f"收费检查{inspection.get_finding_display()}：{org.name}",
            region_code=org.region_id,
        )
    return inspection
