"""The county's decision: approve (enrolling the household) or refuse with reasons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.permissions import require
from minzheng.accounts.roles import Capability
from minzheng.applications import queries, rules
from minzheng.applications.actions.common import (
    WorkflowRefused,
    _check,
    _close_step,
    _end_provisional,
    _locked,
    _provisional,
    _today,
    _transition_audit,
)
from minzheng.applications.actions.reviews import schedule_review
from minzheng.applications.models import (
    Application,
    ApplicationProgramme,
    StepRecord,
)
from minzheng.applications.rules import Move, Step
from minzheng.applications.sms import gateway
from minzheng.assistance.actions import (
    amount_for,
    do_change_enrolment_amount,
    do_enrol,
)
from minzheng.assistance.models import Enrolment
from minzheng.assistance.programmes import ProgrammeCode, get_programme
from minzheng.assistance.rules import evaluate_household
from minzheng.core import clock
from minzheng.core.errors import ValidationFailed
from minzheng.core.yearmonth import YearMonth


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
        completed_at=clock.stamp(),
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
    require(actor, Capability.APPROVE)
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
                person=app.applicant if code == ProgrammeCode.TEKUN else None,
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
            completed_at=clock.stamp(),
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
