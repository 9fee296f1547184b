"""Every state change of an application, review or sign-in code: one transaction, checked, audited."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.applications import queries, rules
from minzheng.applications.models import (
    Application,
    ApplicationProgramme,
    FastTrackPeriod,
    HomeVisit,
    Objection,
    ReviewTask,
    SignInCode,
    StepRecord,
    VisitPhoto,
)
from minzheng.applications.rules import CODE_POLICY, CaseFacts, Move, Step
from minzheng.applications.sms import gateway
from minzheng.assistance.actions import (
    amount_for,
    do_change_enrolment_amount,
    do_end_enrolment,
    do_enrol,
    do_start_gradual_exit,
)
from minzheng.assistance.errors import AssistanceError
from minzheng.assistance.models import OPEN_STATUSES, Enrolment
from minzheng.assistance.programmes import get_programme
from minzheng.assistance.rules import evaluate_household
from minzheng.core import audit, clock
from minzheng.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from minzheng.core.masking import mask_name
from minzheng.core.models import AuditEvent
from minzheng.core.pii import ID_NUMBER, blind_index
from minzheng.core.uploads import PHOTO_KINDS, SIGNED_FORM_KINDS, check_upload
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions import do_create_temporary_case
from minzheng.regions.models import Region
from minzheng.registry.models import Household, Person

OBJECT = "application"


class WorkflowRefused(DomainError):
    """A move the rules do not allow; nothing changed."""


def _today() -> date:
    return clock.today()


def _require(actor: User, capability: Capability) -> None:
    if not actor.can(capability):
        raise PermissionDenied("您的角色无权执行此操作")


# ── creating an application ──────────────────────────────────────────────────────────────────


def _resolve_staff(name: str, region_code: str) -> User | None:
    """The staff member a relative declared, looked up by name in the applicant's county."""
    if not name:
        return None
    low, high = region_code[:6].ljust(12, "0"), region_code[:6].ljust(12, "9")
    return (
        User.objects.filter(region_id__gte=low, region_id__lte=high)
        .filter(display_name=name)
        .order_by("id")
        .first()
        or User.objects.filter(region_id__gte=low, region_id__lte=high, username=name).first()
    )


def _open_step(app: Application, step: Step, anchor: date, actor: User | None) -> None:
    deadline = rules.step_deadline(
        step, anchor, queries.parameters_for(app.region_id, anchor), fast_track=app.fast_track
    )
    app.step = step.value
    app.step_started_on = _today()
    app.step_due = deadline.due.on if deadline else None
    StepRecord.objects.create(
        application=app,
        step=step.value,
        started_on=app.step_started_on,
        due_on=app.step_due,
        deadline_basis=deadline.explanation[:300] if deadline else "",
        deadline_version=deadline.parameter.version_id if deadline else "",
    )


def _limit_due(region_code: str, accepted_on: date, *, special: bool) -> date | None:
    """The whole procedure's limit from acceptance: 30 working days, 45 in special cases."""
    try:
        params = queries.parameters_for(region_code, accepted_on)
        return rules.total_limit(accepted_on, params, special=special).due.on
    except (rules.DeadlineMissing, AssistanceError):
        return None


def _close_step(app: Application, actor: User | None, outcome: str, note: str = "") -> None:
    record = app.steps.filter(step=app.step, completed_at__isnull=True).order_by("-id").first()
    if record is not None:
        record.completed_at = timezone.now()
        record.completed_by = actor if actor is not None and actor.pk else None
        record.outcome = outcome[:60]
        record.note = note
        record.save(update_fields=["completed_at", "completed_by", "outcome", "note"])


def do_submit_application(
    actor: User | None,
    *,
    applicant: Person,
    programmes: Iterable[str],
    declared_income: Decimal,
    income_variable: bool = False,
    reason: str = "",
    staff_relative_name: str = "",
    staff_relation: str = "",
    consents_confirmed: bool = False,
    ip: str | None = None,
    household: Household | None = None,
) -> Application:
    """One application for several programmes (一件事).

    From the portal `actor` is None (the signed-in resident is `applicant`) and the case waits
    for acceptance; at the township window a caseworker takes it and it is accepted at once.
    """
    chosen = list(dict.fromkeys(p for p in programmes if p))
    if not chosen:
        raise ValidationFailed("请至少选择一个救助项目", code="no_programme")
    for code in chosen:
        if code not in queries.FORM_PROGRAMMES:
            raise ValidationFailed(f"不能申请该项目：{code}", code="unknown_programme")
    if declared_income < 0:
        raise ValidationFailed("家庭月收入不能为负数", code="negative_income")
    today = _today()
    if actor is not None:
        _require(actor, Capability.EDIT_CASES)
        if rules.TRANSITIONS[Move.ACCEPT].roles.isdisjoint({actor.role}):
            raise PermissionDenied("只有村社协理员或乡镇经办员可以窗口受理")
        applicant = Person.objects.get_visible(actor, pk=applicant.pk)
    household = household or queries.current_household(applicant, today)
    if household is None:
        raise ValidationFailed(
            "申请人未登记在任何家庭户中，请先到窗口办理家庭登记", code="no_household"
        )
    suggestion = queries.suggest_programmes(household, applicant, declared_income, today)
    period = queries.fast_track_period(household.region_id, today)
    staff = _resolve_staff(staff_relative_name.strip(), household.region_id)
    now = timezone.now()
    try:
        with transaction.atomic():
            # Lock the household so two simultaneous submissions queue up behind each other.
            Household.objects.select_for_update().filter(pk=household.pk).first()
            open_lines = ApplicationProgramme.objects.filter(
                household=household, programme__in=chosen, is_open=True
            ).select_related("application")
            clash = open_lines.first()
            if clash is not None:
                raise WorkflowRefused(
                    f"该家庭已有未办结的{get_programme(clash.programme).short_name}申请"
                    f"（编号 {clash.application.number}），不能重复申请",
                    code="duplicate_open_application",
                )
            app = Application.objects.create(
                household=household,
                applicant=applicant,
                region_id=household.region_id,
                programmes=chosen,
                suggested=list(suggestion.programmes),
                declared_income=declared_income,
                income_variable=income_variable,
                reason=reason,
                channel=Application.Channel.WINDOW if actor else Application.Channel.PORTAL,
                step=Step.SUBMITTED.value,
                step_started_on=today,
                submitted_on=today,
                fast_track=period is not None,
                staff_relative=bool(staff_relative_name.strip() or staff_relation.strip()),
                staff_relative_name=staff_relative_name.strip(),
                staff_relative_user=staff,
                staff_relation=staff_relation.strip(),
                pledge_signed_at=now if consents_confirmed else None,
                pledge_ip=ip if consents_confirmed else None,
                authorisation_signed_at=now if consents_confirmed else None,
                authorisation_ip=ip if consents_confirmed else None,
                created_by=actor,
            )
            ApplicationProgramme.objects.bulk_create(
                ApplicationProgramme(application=app, household=household, programme=code)
                for code in chosen
            )
            _open_step(app, Step.SUBMITTED, today, actor)
            if actor is not None:
                _close_step(app, actor, "窗口受理")
                app.accepted_on = today
                app.limit_due = _limit_due(app.region_id, today, special=False)
                _open_step(app, Step.VISIT, today, actor)
            app.save()
            audit.record(
                actor,
                AuditEvent.Action.CREATE,
                OBJECT,
                app.pk,
                summary=f"{app.get_channel_display()}：申请{'、'.join(get_programme(c).short_name for c in chosen)}"
                + ("（工作人员近亲属）" if app.staff_relative else "")
                + ("（快速通道）" if app.fast_track else ""),
                after={
                    "programmes": chosen,
                    "suggested": list(suggestion.programmes),
                    "step": app.step,
                },
                person_id=applicant.pk,
                region_code=app.region_id,
                actor_name=None if actor else f"居民 {mask_name(applicant.name)}",
            )
    except IntegrityError as exc:
        raise WorkflowRefused(
            "该家庭已有同一项目未办结的申请，不能重复申请", code="duplicate_open_application"
        ) from exc
    return app


def do_sign_consents(
    actor: User | None,
    app: Application,
    *,
    ip: str | None,
    pledge_file: UploadedFile[bytes] | None = None,
    authorisation_file: UploadedFile[bytes] | None = None,
    confirmed_on_screen: bool = False,
) -> Application:
    """Record the signed 诚信承诺书 and 核对授权书: an upload, or a confirmation with time and IP."""
    if actor is not None:
        _require(actor, Capability.EDIT_CASES)
        app = Application.objects.get_visible(actor, pk=app.pk)
    if not (confirmed_on_screen or pledge_file or authorisation_file):
        raise ValidationFailed("请上传签署件或当场确认签署", code="consents_missing")
    pledge = check_upload(pledge_file, SIGNED_FORM_KINDS) if pledge_file else None
    authorisation = (
        check_upload(authorisation_file, SIGNED_FORM_KINDS) if authorisation_file else None
    )
    now = timezone.now()
    with transaction.atomic():
        fields = ["updated_at"]
        if pledge_file or confirmed_on_screen:
            app.pledge_signed_at, app.pledge_ip = now, ip
            fields += ["pledge_signed_at", "pledge_ip"]
            if pledge:
                app.pledge_file.save(pledge.name, ContentFile(pledge.data), save=False)
                fields.append("pledge_file")
        if authorisation_file or confirmed_on_screen:
            app.authorisation_signed_at, app.authorisation_ip = now, ip
            fields += ["authorisation_signed_at", "authorisation_ip"]
            if authorisation:
                app.authorisation_file.save(
                    authorisation.name, ContentFile(authorisation.data), save=False
                )
                fields.append("authorisation_file")
        app.save(update_fields=fields)
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            OBJECT,
            app.pk,
            summary="签署诚信承诺书、核对授权书"
            + ("（上传签署件）" if pledge_file or authorisation_file else "（当场确认）"),
            after={"ip": ip, "at": now},
            person_id=app.applicant_id,
            region_code=app.region_id,
            actor_name=None if actor else f"居民 {mask_name(app.applicant.name)}",
        )
    return app


# ── moving a case ────────────────────────────────────────────────────────────────────────────


def case_facts(app: Application) -> CaseFacts:
    return CaseFacts(
        step=Step(app.step),
        fast_track=app.fast_track,
        staff_relative=app.staff_relative,
        consents_signed=app.consents_signed,
        investigator_id=app.investigated_by_id,
        notice_ends_on=app.notice_ends_on,
        unanswered_objections=app.objections.filter(answered_at__isnull=True).count(),
        spot_check_pending=app.spot_check_pending,
    )


def _locked(actor: User, app: Application) -> Application:
    """The case re-read under a row lock, so two clicks cannot move it twice."""
    _require(actor, Capability.CASE_DATA)
    visible = Application.objects.visible_to(actor).select_for_update()
    try:
        return visible.get(pk=app.pk)
    except Application.DoesNotExist as exc:
        raise NotFound("记录不存在或不在您的管辖范围内") from exc


def _check(actor: User, app: Application, move: Move) -> rules.Verdict:
    verdict = rules.decide_move(case_facts(app), move, actor.role, actor.pk, _today())
    if not verdict.allowed:
        raise WorkflowRefused(verdict.message, code=verdict.code)
    return verdict


def _transition_audit(
    actor: User, app: Application, before: str, summary: str, **extra: Any
) -> None:
    audit.record(
        actor,
        AuditEvent.Action.TRANSITION,
        OBJECT,
        app.pk,
        summary=summary,
        before={"step": before},
        after={"step": app.step, **extra},
        person_id=app.applicant_id,
        region_code=app.region_id,
    )


def do_accept_application(actor: User, app: Application) -> Application:
    with transaction.atomic():
        app = _locked(actor, app)
        _check(actor, app, Move.ACCEPT)
        before = app.step
        _close_step(app, actor, "受理")
        app.accepted_on = _today()
        app.limit_due = _limit_due(app.region_id, app.accepted_on, special=False)
        _open_step(app, Step.VISIT, app.accepted_on, actor)
        app.save()
        _transition_audit(actor, app, before, "受理申请")
    return app


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


def _provisional(app: Application) -> dict[str, Enrolment]:
    """The open enrolments made by 先行救助 for this case, by programme."""
    ids = [row["enrolment"] for row in app.advance_enrolments]
    rows = Enrolment.objects.select_for_update().filter(pk__in=ids, status__in=OPEN_STATUSES)
    return {e.programme: e for e in rows}


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
    _require(actor, Capability.CASE_DATA)
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
                    person=app.applicant if code == "tekun" else None,
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
            _open_step(app, Step.NOTICE, _today(), actor)
            app.notice_ends_on = app.step_due
        else:
            _refuse(actor, app, note)
        app.save()
        _transition_audit(
            actor, app, before, "乡镇审核" + ("通过，进入公示" if passed else f"不通过：{note}")
        )
    return app


def do_record_objection(actor: User, app: Application, *, objector: str, content: str) -> Objection:
    _require(actor, Capability.EDIT_CASES)
    if not content.strip():
        raise ValidationFailed("请填写异议内容", code="objection_empty")
    with transaction.atomic():
        app = _locked(actor, app)
        if app.step != Step.NOTICE:
            raise WorkflowRefused("只有公示期间可以登记异议", code="not_in_notice")
        objection = Objection.objects.create(
            application=app,
            received_on=_today(),
            objector=objector.strip(),
            content=content.strip(),
            recorded_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "objection",
            objection.pk,
            summary=f"公示异议：{content.strip()[:100]}",
            region_code=app.region_id,
            person_id=app.applicant_id,
        )
    return objection


def do_answer_objection(actor: User, objection: Objection, *, answer: str) -> Objection:
    _require(actor, Capability.EDIT_CASES)
    if not answer.strip():
        raise ValidationFailed("请填写答复内容", code="answer_empty")
    with transaction.atomic():
        app = _locked(actor, objection.application)
        objection = Objection.objects.select_for_update().get(pk=objection.pk, application=app)
        if objection.answered_at is not None:
            raise WorkflowRefused("该异议已答复", code="already_answered")
        objection.answer = answer.strip()
        objection.answered_at = timezone.now()
        objection.answered_by = actor
        objection.save(update_fields=["answer", "answered_at", "answered_by"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "objection",
            objection.pk,
            summary=f"答复公示异议：{answer.strip()[:100]}",
            region_code=app.region_id,
        )
    return objection


def _draw_spot_check(app: Application) -> bool:
    """特困: the county spot-checks at least the parameter's share of cases by home visit.

    Counted per county over the 特困 cases that reached county approval; deterministic
    (`rules.spot_check_due`), so the share never falls below the ratio.
    """
    if "tekun" not in app.programmes:
        return False
    county = app.region_id[:6]
    reached = (
        Application.objects.filter(
            region_id__gte=county.ljust(12, "0"),
            region_id__lte=county.ljust(12, "9"),
            lines__programme="tekun",
            steps__step=Step.COUNTY_APPROVAL.value,
        )
        .exclude(pk=app.pk)
        .distinct()
    )
    ratio = rules.policy_amount(
        "tekun.spot_check_ratio", queries.parameters_for(app.region_id, _today())
    )
    drawn = rules.spot_check_due(
        reached.filter(spot_check=True).count(), reached.count(), float(ratio.value)
    )
    app.spot_check = drawn
    return drawn


def do_record_spot_check(
    actor: User, app: Application, *, visited_on: date, note: str
) -> Application:
    """县级入户抽查 of a drawn 特困 case: the county approver records the visit before deciding."""
    _require(actor, Capability.APPROVE)
    if not note.strip():
        raise ValidationFailed("请填写抽查情况", code="spot_check_note_missing")
    if visited_on > _today():
        raise ValidationFailed("抽查日期不能晚于今天", code="visit_in_future")
    with transaction.atomic():
        app = _locked(actor, app)
        if not app.spot_check_pending or app.step != Step.COUNTY_APPROVAL:
            raise WorkflowRefused("本案不在待抽查状态", code="no_spot_check")
        app.spot_check_note = f"{visited_on.isoformat()} {note.strip()}"
        app.spot_check_done_at = timezone.now()
        app.spot_check_by = actor
        app.save(
            update_fields=["spot_check_note", "spot_check_done_at", "spot_check_by", "updated_at"]
        )
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            OBJECT,
            app.pk,
            summary=f"县级入户抽查（特困）：{note.strip()}"[:300],
            person_id=app.applicant_id,
            region_code=app.region_id,
        )
    return app


def do_extend_limit(actor: User, app: Application, *, reason: str) -> Application:
    """特殊情况: the whole limit goes from 30 to 45 working days (民发〔2021〕57号第22条).

    The reason is recorded; the current step's deadline moves by the same number of working days.
    """
    _require(actor, Capability.CASE_DATA)
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


def do_close_notice(actor: User, app: Application) -> Application:
    """公示期满且异议均已答复: the case goes to the county."""
    with transaction.atomic():
        app = _locked(actor, app)
        _check(actor, app, Move.CLOSE_NOTICE)
        before = app.step
        answered = app.objections.count()
        _close_step(app, actor, "公示期满", f"异议{answered}条，均已答复" if answered else "无异议")
        drawn = _draw_spot_check(app)
        _open_step(app, Step.COUNTY_APPROVAL, _today(), actor)
        app.save()
        _transition_audit(
            actor,
            app,
            before,
            "公示期满，报县级审批" + ("（特困，抽入县级入户抽查）" if drawn else ""),
        )
    return app


def _end_provisional(
    actor: User, app: Application, enrolments: Iterable[Enrolment], why: str
) -> list[dict[str, str]]:
    """End provisional (先行) enrolments: the last paid month is this one, so they stop next month."""
    this_month = YearMonth.of(_today())
    ended: list[dict[str, str]] = []
    for enrolment in enrolments:
        do_end_enrolment(
            actor,
            enrolment,
            last_paid_month=this_month,
            reason=f"申请{app.number}{why}，先行纳入终止",
        )
        ended.append(
            {
                "programme": enrolment.programme,
                "enrolment": str(enrolment.pk),
                "end": str(this_month + 1),
            }
        )
    return ended


def _refuse(actor: User, app: Application, reason: str) -> None:
    app.step = Step.REFUSED.value
    app.step_due = None
    app.step_started_on = _today()
    app.decided_on = _today()
    app.decided_by = actor
    app.refusal_reason = reason
    ApplicationProgramme.objects.filter(application=app).update(is_open=False)
    ended = _end_provisional(actor, app, _provisional(app).values(), "不予批准")
    stopped = ""
    if ended:
        app.decision = {**app.decision, "provisional_ended": ended}
        stopped = f"先行纳入的救助自{ended[0]['end']}起停止。"
    StepRecord.objects.create(
        application=app,
        step=Step.REFUSED.value,
        started_on=app.decided_on,
        due_on=rules.refusal_notice_due(
            app.decided_on,
            queries.parameters_for(app.region_id, app.decided_on),
            fast_track=app.fast_track,
        ).due.on,
        deadline_basis="书面告知不予批准理由的期限",
        completed_at=timezone.now(),
        completed_by=actor,
        outcome="不予批准",
        note=f"{reason}{'（' + stopped + '）' if stopped else ''}",
    )
    gateway().send(
        app.applicant,
        f"【民政】您的救助申请（编号{app.number}）经审核不予批准，理由：{reason[:60]}。{stopped}"
        "如有异议可申请复查。",
    )


def do_county_decide(
    actor: User, app: Application, *, approve: bool, reason: str = ""
) -> Application:
    """县级审批. Approval enrols the household from the next month in each eligible programme."""
    _require(actor, Capability.APPROVE)
    if not approve and not reason.strip():
        raise ValidationFailed("不予批准须写明理由", code="reason_missing")
    with transaction.atomic():
        app = _locked(actor, app)
        _check(actor, app, Move.APPROVE if approve else Move.REFUSE)
        before = app.step
        _close_step(app, actor, "批准" if approve else "不予批准", reason)
        if not approve:
            _refuse(actor, app, reason.strip())
            app.save()
            _transition_audit(actor, app, before, f"县级不予批准：{reason}")
            return app
        today = _today()
        start = YearMonth.of(today) + 1  # benefits from the next month (民发〔2021〕43号第17条等)
        income = app.verified_income if app.verified_income is not None else app.declared_income
        facts = queries.declared_facts(
            app.household, app.applicant, income, today, variable=app.income_variable
        )
        provisional = _provisional(app)
        ruled = [p for p in app.programmes if get_programme(p).rule_based]
        decisions = (
            evaluate_household(facts, queries.parameters_for(app.region_id, today), ruled)
            if ruled
            else []
        )
        enrolled: list[dict[str, Any]] = []
        skipped: list[dict[str, str]] = []
        for code in app.programmes:
            programme = get_programme(code)
            decision = next(
                (
                    d
                    for d in decisions
                    if d.programme == code and d.member_id in (None, str(app.applicant_id))
                ),
                None,
            )
            if programme.rule_based and (decision is None or not decision.eligible):
                skipped.append(
                    {"programme": code, "reason": decision.summary if decision else "无认定结果"}
                )
                continue
            if not programme.paid_monthly and programme.rule_based is False:
                skipped.append({"programme": code, "reason": "非按月发放项目，按个案另行审批发放"})
                continue
            amount = decision.monthly_amount if decision else Decimal("0")
            held = provisional.pop(code, None)
            if held is not None:
                # 先行纳入 confirmed: keep the enrolment, with the amount on the checked income.
                if amount_for(held, start) != amount:
                    do_change_enrolment_amount(
                        actor, held, month=start, amount=amount, reason="县级审批确认（核对后金额）"
                    )
                enrolled.append(
                    {
                        "programme": code,
                        "enrolment": held.pk,
                        "amount": str(amount),
                        "confirmed_provisional": True,
                    }
                )
                continue
            enrolment = do_enrol(
                actor,
                household=app.household,
                programme=code,
                start=start,
                amount=amount,
                person=app.applicant if code == "tekun" else None,
                decision={
                    **(decision.to_dict() if decision else {}),
                    "income_variable": app.income_variable,
                    "fast_track": app.fast_track,
                },
                care_level=decision.care_level.value if decision and decision.care_level else "",
                application_id=app.pk,
            )
            enrolled.append({"programme": code, "enrolment": enrolment.pk, "amount": str(amount)})
        if not enrolled:
            raise WorkflowRefused(
                "按核对后的收入，所申请项目均不符合条件，请选择“不予批准”并写明理由："
                + "；".join(s["reason"] for s in skipped),
                code="nothing_eligible",
            )
        # Provisional enrolments in programmes the checked income no longer supports end.
        ended = _end_provisional(actor, app, provisional.values(), "审批不符合该项目条件")
        app.step = Step.APPROVED.value
        app.step_due = None
        app.step_started_on = today
        app.decided_on = today
        app.decided_by = actor
        app.decision = {
            "start": str(start),
            "enrolled": enrolled,
            "skipped": skipped,
            **({"provisional_ended": ended} if ended else {}),
        }
        ApplicationProgramme.objects.filter(application=app).update(is_open=False)
        StepRecord.objects.create(
            application=app,
            step=Step.APPROVED.value,
            started_on=today,
            completed_at=timezone.now(),
            completed_by=actor,
            outcome="已批准",
            note=f"自{start}起享受",
        )
        app.save()
        _transition_audit(actor, app, before, f"县级批准，自{start}起纳入", enrolled=enrolled)
        for row in enrolled:
            schedule_review(Enrolment.objects.get(pk=row["enrolment"]))
        gateway().send(
            app.applicant,
            f"【民政】您的救助申请（编号{app.number}）已批准，自{start}起发放。",
        )
    return app


# ── fast track ───────────────────────────────────────────────────────────────────────────────


def do_start_fast_track(
    actor: User, *, region_code: str, starts_on: date, ends_on: date, reason: str
) -> FastTrackPeriod:
    """“三快一缓”: switch a region to the fast track for a period."""
    _require(actor, Capability.MANAGE_PARAMETERS)
    region = Region.objects.filter(code=region_code).first()
    low, high = actor.scope_bounds()
    if region is None or not low <= region_code <= high:
        raise NotFound("区域不存在或不在您的管辖范围内")
    if ends_on < starts_on:
        raise ValidationFailed("结束日期不能早于开始日期", code="bad_period")
    if not reason.strip():
        raise ValidationFailed("请填写启动原因", code="reason_missing")
    with transaction.atomic():
        period = FastTrackPeriod.objects.create(
            region=region,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason.strip(),
            created_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "fast_track",
            period.pk,
            summary=f"启动快速通道：{region.name} {starts_on}至{ends_on}，{reason.strip()}",
            region_code=region_code,
        )
    return period


# ── reviews (复核) and exits ─────────────────────────────────────────────────────────────────


def schedule_review(enrolment: Enrolment, after: date | None = None) -> ReviewTask | None:
    """The next review of an enrolment, due after the interval its household type calls for."""
    if ReviewTask.objects.filter(enrolment=enrolment, status=ReviewTask.Status.OPEN).exists():
        return None
    anchor = after or enrolment.start_month
    rural = bool(enrolment.household.head and enrolment.household.head.hukou_type == "rural")
    key = rules.review_interval_key(
        income_variable=bool(enrolment.decision.get("income_variable")), rural=rural
    )
    months, used = queries.parameters_for(enrolment.region_id, anchor).integer(key)
    return ReviewTask.objects.create(
        enrolment=enrolment,
        region_id=enrolment.region_id,
        due_on=rules.add_months(anchor, months),
        interval_key=key,
        interval_version=used.version_id,
    )


def _record_held_exit(actor: User, task: ReviewTask, reason: str) -> None:
    with transaction.atomic():
        ReviewTask.objects.filter(pk=task.pk).update(held_reason=reason)
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "review_task",
            task.pk,
            summary=f"退出缓：拒绝终止救助 — {reason}",
            region_code=task.region_id,
        )


def do_start_termination_notice(actor: User, task: ReviewTask, *, note: str) -> ReviewTask:
    """特困: post the intended termination for 7 days before it can be decided (民发〔2021〕43号第26条)."""
    _require(actor, Capability.EDIT_CASES)
    task = ReviewTask.objects.get_visible(actor, pk=task.pk)
    if not note.strip():
        raise ValidationFailed("请填写拟终止理由", code="reason_missing")
    today = _today()
    verdict = rules.exit_allowed(
        fast_track_period=queries.describe_period(queries.fast_track_period(task.region_id, today))
    )
    if not verdict.allowed:
        _record_held_exit(actor, task, verdict.message)
        raise WorkflowRefused(verdict.message, code=verdict.code)
    with transaction.atomic():
        task = ReviewTask.objects.select_for_update().get(pk=task.pk)
        if task.status != ReviewTask.Status.OPEN:
            raise WorkflowRefused("该复核任务已办结", code="review_done")
        if task.enrolment.programme != "tekun":
            raise WorkflowRefused("终止公示只适用于特困人员", code="not_tekun")
        if task.termination_notice_on is not None:
            raise WorkflowRefused("已发起终止公示", code="notice_started")
        ends = rules.termination_notice_end(today, queries.parameters_for(task.region_id, today))
        task.termination_notice_on = today
        task.termination_notice_ends_on = ends.due.on
        task.termination_note = note.strip()
        task.save(
            update_fields=[
                "termination_notice_on",
                "termination_notice_ends_on",
                "termination_note",
            ]
        )
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "review_task",
            task.pk,
            summary=f"特困拟终止公示{today}至{ends.due.on}：{note.strip()}"[:300],
            after={"basis": ends.parameter.version_id},
            region_code=task.region_id,
        )
    return task


def do_complete_review(
    actor: User,
    task: ReviewTask,
    *,
    outcome: str,
    note: str,
    amount: Decimal | None = None,
) -> ReviewTask:
    """复核结论: continue, change the amount, gradual exit (渐退) or exit; exits take the next month."""
    _require(actor, Capability.EDIT_CASES)
    task = ReviewTask.objects.get_visible(actor, pk=task.pk)
    chosen = ReviewTask.Outcome(outcome)
    today = _today()
    if chosen in (ReviewTask.Outcome.GRADUAL_EXIT, ReviewTask.Outcome.EXIT):
        verdict = rules.exit_allowed(
            fast_track_period=queries.describe_period(
                queries.fast_track_period(task.region_id, today)
            )
        )
        if not verdict.allowed:
            _record_held_exit(actor, task, verdict.message)
            raise WorkflowRefused(verdict.message, code=verdict.code)
    if chosen is ReviewTask.Outcome.CHANGE and (amount is None or amount < 0):
        raise ValidationFailed("调整金额须填写不小于0的金额", code="amount_missing")
    this_month = YearMonth.of(today)
    with transaction.atomic():
        task = ReviewTask.objects.select_for_update().get(pk=task.pk)
        if task.status != ReviewTask.Status.OPEN:
            raise WorkflowRefused("该复核任务已办结", code="review_done")
        enrolment = Enrolment.objects.select_for_update().get(pk=task.enrolment_id)
        if chosen is ReviewTask.Outcome.CHANGE:
            assert amount is not None
            do_change_enrolment_amount(
                actor, enrolment, month=this_month + 1, amount=amount, reason=f"复核调整：{note}"
            )
        elif chosen is ReviewTask.Outcome.GRADUAL_EXIT:
            grace, used = queries.parameters_for(task.region_id, today).integer(
                "gradual_exit.grace_months"
            )
            do_start_gradual_exit(
                actor,
                enrolment,
                until=this_month + grace,
                reason=f"复核渐退：{note}（渐退期{grace}个月，参数{used.version_id}）",
            )
        elif chosen is ReviewTask.Outcome.EXIT:
            if enrolment.programme == "tekun":
                ended = rules.tekun_exit_allowed(task.termination_notice_ends_on, today)
                if not ended.allowed:
                    raise WorkflowRefused(ended.message, code=ended.code)
            do_end_enrolment(
                actor, enrolment, last_paid_month=this_month, reason=f"复核退出：{note}"
            )
        task.status = ReviewTask.Status.DONE
        task.outcome = chosen.value
        task.note = note
        task.done_by = actor
        task.done_at = timezone.now()
        task.save(update_fields=["status", "outcome", "note", "done_by", "done_at"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "review_task",
            task.pk,
            summary=f"复核：{chosen.label}。{note}",
            region_code=task.region_id,
        )
        head = enrolment.household.head
        if chosen in (ReviewTask.Outcome.CONTINUE, ReviewTask.Outcome.CHANGE):
            schedule_review(enrolment, after=today)
        elif head is not None:
            ends = (this_month + (1 if chosen is ReviewTask.Outcome.EXIT else 0)).first_day()
            gateway().send(
                head,
                f"【民政】经复核，您家的{get_programme(enrolment.programme).short_name}"
                f"{'将渐退' if chosen is ReviewTask.Outcome.GRADUAL_EXIT else '自' + f'{ends:%Y年%m月}起停止'}"
                f"，详见书面通知。",
            )
    return task


# ── resident sign-in codes ───────────────────────────────────────────────────────────────────


def _hash(code: str) -> str:
    return salted_hmac("minzheng.portal.sign-in-code", code, algorithm="sha256").hexdigest()


def _person_by_id_number(id_number: str) -> Person | None:
    number = id_number.strip().upper()
    if not number:
        return None
    return Person.objects.filter(id_number_index=blind_index(ID_NUMBER, number)).first()


def do_send_sign_in_code(id_number: str, *, ip: str | None) -> Person | None:
    """Send a code to the phone on record. None (and nothing sent) when no person matches."""
    person = _person_by_id_number(id_number)
    if person is None or not person.phone_cipher:
        return None
    now = timezone.now()
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        recent = SignInCode.objects.filter(
            person=person, created_at__gte=now - timedelta(minutes=CODE_POLICY.window_minutes)
        ).count()
        verdict = rules.may_send_code(recent)
        if not verdict.allowed:
            raise WorkflowRefused(verdict.message, code=verdict.code)
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_POLICY.digits))
        SignInCode.objects.create(
            person=person,
            code_hash=_hash(code),
            created_at=now,
            expires_at=now + timedelta(minutes=CODE_POLICY.valid_minutes),
            ip=ip,
        )
        gateway().send(
            person,
            f"【民政】您的登录验证码为{code}，{CODE_POLICY.valid_minutes}分钟内有效，请勿告诉他人。",
        )
        audit.record(
            None,
            AuditEvent.Action.CREATE,
            "sign_in_code",
            person.pk,
            summary="发送居民登录验证码",
            person_id=person.pk,
            region_code=person.region_id,
            actor_name="portal",
            after={"ip": ip},
        )
    return person


def do_check_sign_in_code(person_id: int | None, code: str, *, ip: str | None) -> Person:
    """The person, when the code is their latest live one; each code works once."""
    refused = WorkflowRefused("验证码错误或已失效，请重新获取", code="bad_code")
    person = Person.objects.filter(pk=person_id).first() if person_id else None
    if person is None:
        raise refused
    now = timezone.now()
    with transaction.atomic():
        live = (
            SignInCode.objects.select_for_update()
            .filter(person=person, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at", "-id")
            .first()
        )
        if live is None or live.attempts >= CODE_POLICY.max_attempts:
            raise refused
        matches = constant_time_compare(live.code_hash, _hash(code.strip()))
        if not matches:
            # Counted outside any rollback: the refusal below must not undo the attempt.
            SignInCode.objects.filter(pk=live.pk).update(attempts=live.attempts + 1)
    if not matches:
        raise refused
    with transaction.atomic():
        # Conditional update: of two requests racing with the same code only one signs in.
        if not SignInCode.objects.filter(pk=live.pk, used_at__isnull=True).update(used_at=now):
            raise refused
        audit.record(
            None,
            AuditEvent.Action.LOGIN,
            "resident",
            person.pk,
            summary="居民门户验证码登录",
            person_id=person.pk,
            region_code=person.region_id,
            actor_name=f"居民 {mask_name(person.name)}",
            after={"ip": ip},
        )
    return person
