"""Periodic reviews (复核) of enrolled households: scheduling, termination notices, completion."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.permissions import require
from minzheng.accounts.roles import Capability
from minzheng.applications import queries, rules
from minzheng.applications.actions.common import WorkflowRefused, _today
from minzheng.applications.models import (
    ReviewTask,
)
from minzheng.applications.sms import gateway
from minzheng.assistance.actions import (
    do_change_enrolment_amount,
    do_end_enrolment,
    do_start_gradual_exit,
)
from minzheng.assistance.models import Enrolment
from minzheng.assistance.programmes import ProgrammeCode, get_programme
from minzheng.core import audit, clock
from minzheng.core.errors import ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth

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
    require(actor, Capability.EDIT_CASES)
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
        if task.enrolment.programme != ProgrammeCode.TEKUN:
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
    require(actor, Capability.EDIT_CASES)
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
            # 低边 has its own 渐退 period (dibian.gradual_exit.grace_months), like 低保.
            grace, used = queries.parameters_for(task.region_id, today).integer(
                "dibian.gradual_exit.grace_months"
                if enrolment.programme == ProgrammeCode.DIBIAN
                else "gradual_exit.grace_months"
            )
            do_start_gradual_exit(
                actor,
                enrolment,
                until=this_month + grace,
                reason=f"复核渐退：{note}（渐退期{grace}个月，参数{used.version_id}）",
            )
        elif chosen is ReviewTask.Outcome.EXIT:
            if enrolment.programme == ProgrammeCode.TEKUN:
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
        task.done_at = clock.stamp()
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
