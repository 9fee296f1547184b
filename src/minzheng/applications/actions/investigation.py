"""Investigation: home visits, advance aid, the verification report, township review and the time-limit extension."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.permissions import require
from minzheng.accounts.roles import Capability
from minzheng.applications import queries, rules
from minzheng.applications.actions.common import (
    OBJECT,
    WorkflowRefused,
    _check,
    _close_step,
    _locked,
    _open_step,
    _today,
    _transition_audit,
)
from minzheng.applications.actions.decision import _refuse
from minzheng.applications.models import (
    Application,
    HomeVisit,
    VisitPhoto,
)
from minzheng.applications.rules import Move, Step
from minzheng.applications.sms import gateway
from minzheng.assistance.actions import (
    do_enrol,
)
from minzheng.assistance.programmes import ProgrammeCode, get_programme
from minzheng.assistance.rules import evaluate_household
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.uploads import PHOTO_KINDS, check_upload
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions import do_create_temporary_case


def do_record_home_visit(
    actor: User,
    app: Application,
    *,
    visited_on: date,
    notes: str,
    photos: Iterable[UploadedFile[bytes]] = (),
) -> HomeVisit:
    """入户调查: notes and photos. A visit deferred under 先行救助 may be filed later too."""
    if not notes.strip():
        raise ValidationFailed("请填写入户调查情况", code="visit_notes_missing")
    if visited_on > _today():
        raise ValidationFailed("入户日期不能晚于今天", code="visit_in_future")
    # Checked before anything is written: a refused photo leaves no half-recorded visit.
    checked_photos = [check_upload(photo, PHOTO_KINDS) for photo in photos]
    with transaction.atomic():
        app = _locked(actor, app)
        late_filing = app.visit_deferred and app.step != Step.VISIT
        if late_filing:
            if actor.role not in rules.TRANSITIONS[Move.RECORD_VISIT].roles:
                raise PermissionDenied("您的角色不能登记入户调查")
        else:
            _check(actor, app, Move.RECORD_VISIT)
        visit = HomeVisit.objects.create(
            application=app, visited_on=visited_on, notes=notes.strip(), visitor=actor
        )
        for checked in checked_photos:
            VisitPhoto.objects.create(visit=visit, image=ContentFile(checked.data, checked.name))
        before = app.step
        app.investigated_by = actor
        if late_filing:
            app.visit_deferred = False
            app.save(update_fields=["investigated_by", "visit_deferred", "updated_at"])
            _transition_audit(actor, app, before, "补登入户调查（入户后补）")
        else:
            _close_step(app, actor, "已入户", notes.strip()[:500])
            _open_step(app, Step.VERIFICATION, app.accepted_on or _today(), actor)
            app.save()
            _transition_audit(actor, app, before, f"登记入户调查（{visited_on}）")
    return visit


def do_defer_home_visit(actor: User, app: Application, *, reason: str) -> Application:
    """先核对、入户后补: under the fast track, verify first and visit after. Never for relatives.

    This only reorders the investigation; it grants nothing. Help before verification is
    `do_grant_advance_aid` (先行救助)."""
    with transaction.atomic():
        app = _locked(actor, app)
        _check(actor, app, Move.DEFER_VISIT)
        before = app.step
        app.visit_deferred = True
        _close_step(app, actor, "先核对，入户后补", reason)
        _open_step(app, Step.VERIFICATION, app.accepted_on or _today(), actor)
        app.save()
        _transition_audit(actor, app, before, f"先核对，入户后补：{reason}")
    return app


def do_grant_advance_aid(
    actor: User,
    app: Application,
    *,
    reason: str,
    temporary: bool,
    enrol: bool,
    bank_name: str = "",
    account_number: str = "",
) -> Application:
    """先行救助 (help first, verify after), under an active fast-track period only.

    `temporary`: a 临时救助 payment through the payments app (its own maker-checker applies: a
    county approver other than the maker approves it before the roll pays it); the amount is the
    dated parameter `advance_aid.temporary_amount`. `enrol`: the requested monthly programmes the
    rules grant on the declared income are enrolled provisionally from the next month. The visit,
    the check and the decision continue; a final refusal ends the provisional enrolment.
    """
    require(actor, Capability.CASE_DATA)
    if not (temporary or enrol):
        raise ValidationFailed("请选择临时救助或先行纳入（至少一项）", code="advance_nothing")
    if not reason.strip():
        raise ValidationFailed("请填写先行救助理由", code="reason_missing")
    if temporary and not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("先行临时救助由乡镇经办员录入，县级在临时救助中审批")
    today = _today()
    this_month = YearMonth.of(today)
    with transaction.atomic():
        app = _locked(actor, app)
        period = queries.fast_track_period(app.region_id, today)
        verdict = rules.decide_advance_aid(
            rules.AdvanceFacts(
                step=Step(app.step),
                period_active=period is not None,
                staff_relative=app.staff_relative,
                already_granted=app.advance_aid,
            ),
            actor.role,
        )
        if not verdict.allowed:
            raise WorkflowRefused(verdict.message, code=verdict.code)
        granted: list[str] = []
        if temporary:
            parameter = rules.policy_amount(
                "advance_aid.temporary_amount", queries.parameters_for(app.region_id, today)
            )
            case = do_create_temporary_case(
                actor,
                region=app.region,
                amount=Decimal(parameter.value),
                reason=f"先行救助（申请{app.number}）：{reason.strip()}"[:300],
                bank_name=bank_name,
                account_number=account_number,
                person=app.applicant,
            )
            app.advance_temporary_case_id = case.pk
            granted.append(f"临时救助{parameter.value}元（待县级审批，参数{parameter.version_id}）")
        if enrol:
            facts = queries.declared_facts(
                app.household,
                app.applicant,
                app.declared_income,
                today,
                variable=app.income_variable,
            )
            monthly = [
                c
                for c in app.programmes
                if get_programme(c).rule_based and get_programme(c).paid_monthly
            ]
            decisions = (
                evaluate_household(facts, queries.parameters_for(app.region_id, today), monthly)
                if monthly
                else []
            )
            rows: list[dict[str, Any]] = []
            for code in monthly:
                decision = next(
                    (
                        d
                        for d in decisions
                        if d.programme == code and d.member_id in (None, str(app.applicant_id))
                    ),
                    None,
                )
                if decision is None or not decision.eligible:
                    continue
                enrolment = do_enrol(
                    actor,
                    household=app.household,
                    programme=code,
                    start=this_month + 1,
                    amount=decision.monthly_amount,
                    person=app.applicant if code == ProgrammeCode.TEKUN else None,
                    decision={
                        **decision.to_dict(),
                        "income_variable": app.income_variable,
                        "fast_track": True,
                        "provisional": True,
                        "advance_aid": True,
                    },
                    care_level=decision.care_level.value if decision.care_level else "",
                    application_id=app.pk,
                )
                rows.append(
                    {
                        "programme": code,
                        "enrolment": enrolment.pk,
                        "amount": str(decision.monthly_amount),
                    }
                )
            if not rows and not temporary:
                raise WorkflowRefused(
                    "按申报收入，所申请的按月救助项目均不符合条件，不能先行纳入",
                    code="nothing_eligible",
                )
            app.advance_enrolments = rows
            granted += [
                f"先行纳入{get_programme(r['programme']).short_name}，自{this_month + 1}起每月{r['amount']}元"
                for r in rows
            ]
        app.advance_aid = True
        app.advance_aid_on = today
        app.advance_aid_reason = reason.strip()
        app.advance_aid_by = actor
        app.save()
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            OBJECT,
            app.pk,
            summary=f"先行救助：{'；'.join(granted)}。{reason.strip()}"[:300],
            after={
                "temporary_case": app.advance_temporary_case_id,
                "enrolments": app.advance_enrolments,
                "period": queries.describe_period(period),
            },
            person_id=app.applicant_id,
            region_code=app.region_id,
        )
        gateway().send(
            app.applicant,
            f"【民政】您的救助申请（编号{app.number}）已先行救助：{'；'.join(granted)}。"
            "入户调查和核对继续进行，最终以审批结果为准。",
        )
    return app


def do_record_verification(
    actor: User, app: Application, *, verified_income: Decimal, passed: bool, note: str
) -> Application:
    """家庭经济状况核对: the checked monthly household income and the result."""
    if verified_income < 0:
        raise ValidationFailed("核对收入不能为负数", code="negative_income")
    with transaction.atomic():
        app = _locked(actor, app)
        _check(actor, app, Move.RECORD_VERIFICATION)
        before = app.step
        app.verified_income = verified_income
        app.verification_passed = passed
        app.verification_note = note
        _close_step(app, actor, "核对符合" if passed else "核对不符合", note)
        _open_step(app, Step.TOWNSHIP_REVIEW, app.accepted_on or _today(), actor)
        app.save()
        _transition_audit(
            actor,
            app,
            before,
            f"登记核对结果：{'符合' if passed else '不符合'}",
            income=verified_income,
        )
    return app


def do_township_review(actor: User, app: Application, *, passed: bool, note: str) -> Application:
    """乡镇审核: pass to the public notice, or refuse with reasons."""
    move = Move.PASS_REVIEW if passed else Move.REFUSE_AT_REVIEW
    if not passed and not note.strip():
        raise ValidationFailed("不予通过须写明理由", code="reason_missing")
    with transaction.atomic():
        app = _locked(actor, app)
        _check(actor, app, move)
        before = app.step
        app.reviewed_by = actor
        _close_step(app, actor, "审核通过" if passed else "审核不通过", note)
        if passed:
            _open_step(app, Step.PUBLIC_NOTICE, _today(), actor)
            app.notice_ends_on = app.step_due
        else:
            _refuse(actor, app, note)
        app.save()
        _transition_audit(
            actor, app, before, "乡镇审核" + ("通过，进入公示" if passed else f"不通过：{note}")
        )
    return app


def do_extend_limit(actor: User, app: Application, *, reason: str) -> Application:
    """特殊情况: the whole limit goes from 30 to 45 working days (民发〔2021〕57号第22条).

    The reason is recorded; the current step's deadline moves by the same number of working days.
    """
    require(actor, Capability.CASE_DATA)
    if actor.role not in (rules.TOWNSHIP_CASEWORKER, rules.COUNTY_APPROVER):
        raise PermissionDenied("只有乡镇经办员或县级审核审批员可以延长办理期限")
    if not reason.strip():
        raise ValidationFailed("延长期限须写明特殊情况理由", code="reason_missing")
    with transaction.atomic():
        app = _locked(actor, app)
        if app.step not in {s.value for s in rules.OPEN_STEPS} or app.accepted_on is None:
            raise WorkflowRefused("只有已受理、未办结的案件可以延长期限", code="not_open")
        if app.special_case:
            raise WorkflowRefused("本案已按特殊情况延长", code="already_extended")
        limits = queries.parameters_for(app.region_id, app.accepted_on)
        normal = rules.total_limit(app.accepted_on, limits, special=False)
        special = rules.total_limit(app.accepted_on, limits, special=True)
        extra = special.parameter.value - normal.parameter.value
        before = {"limit_due": app.limit_due, "step_due": app.step_due}
        app.special_case = True
        app.special_case_reason = reason.strip()
        app.limit_due = special.due.on
        if app.step_due is not None:
            app.step_due = rules.add_working_days(app.step_due, extra).on
            record = app.steps.filter(step=app.step, completed_at__isnull=True).last()
            if record is not None:
                record.due_on = app.step_due
                record.deadline_basis = (
                    f"特殊情况延长{extra}个工作日：{reason.strip()}（{special.parameter.source}）"
                )[:300]
                record.deadline_version = special.parameter.version_id
                record.save(update_fields=["due_on", "deadline_basis", "deadline_version"])
        app.save()
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            OBJECT,
            app.pk,
            summary=f"特殊情况延长办理期限至{special.due.on}（45个工作日）：{reason.strip()}"[:300],
            before=before,
            after={"limit_due": app.limit_due, "step_due": app.step_due},
            person_id=app.applicant_id,
            region_code=app.region_id,
        )
    return app
