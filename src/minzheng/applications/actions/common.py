"""What every workflow stage shares: the refusal error, permission check, step bookkeeping and the row lock."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from minzheng.accounts.models import User
from minzheng.accounts.permissions import require
from minzheng.accounts.roles import Capability
from minzheng.applications import queries, rules
from minzheng.applications.models import (
    Application,
    StepRecord,
)
from minzheng.applications.rules import CaseFacts, Move, Step
from minzheng.assistance.actions import (
    do_end_enrolment,
)
from minzheng.assistance.errors import AssistanceError
from minzheng.assistance.models import OPEN_STATUSES, Enrolment
from minzheng.core import audit, clock
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth

OBJECT = "application"


class WorkflowRefused(DomainError):
    """A move the rules do not allow; nothing changed."""


def _today() -> date:
    return clock.today()


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
        record.completed_at = clock.stamp()
        record.completed_by = actor if actor is not None and actor.pk else None
        record.outcome = outcome[:60]
        record.note = note
        record.save(update_fields=["completed_at", "completed_by", "outcome", "note"])


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
    require(actor, Capability.CASE_DATA)
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


def _provisional(app: Application) -> dict[str, Enrolment]:
    """The open enrolments made by 先行救助 for this case, by programme."""
    ids = [row["enrolment"] for row in app.advance_enrolments]
    rows = Enrolment.objects.select_for_update().filter(pk__in=ids, status__in=OPEN_STATUSES)
    return {e.programme: e for e in rows}


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
