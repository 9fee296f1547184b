"""Public notice (公示): objections and their answers, the spot check, closing the notice."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.permissions import require
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import region_q
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
from minzheng.applications.models import (
    Application,
    Objection,
)
from minzheng.applications.rules import Move, Step
from minzheng.assistance.programmes import ProgrammeCode
from minzheng.core import audit, clock
from minzheng.core.errors import ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.regioncode import RegionCode


def do_record_objection(actor: User, app: Application, *, objector: str, content: str) -> Objection:
    require(actor, Capability.EDIT_CASES)
    if not content.strip():
        raise ValidationFailed("请填写异议内容", code="objection_empty")
    with transaction.atomic():
        app = _locked(actor, app)
        if app.step != Step.PUBLIC_NOTICE:
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
    require(actor, Capability.EDIT_CASES)
    if not answer.strip():
        raise ValidationFailed("请填写答复内容", code="answer_empty")
    with transaction.atomic():
        app = _locked(actor, objection.application)
        objection = Objection.objects.select_for_update().get(pk=objection.pk, application=app)
        if objection.answered_at is not None:
            raise WorkflowRefused("该异议已答复", code="already_answered")
        objection.answer = answer.strip()
        objection.answered_at = clock.stamp()
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
    if ProgrammeCode.TEKUN not in app.programmes:
        return False
    reached = (
        Application.objects.filter(
            region_q(RegionCode.of(app.region_id).county),
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
    require(actor, Capability.APPROVE)
    if not note.strip():
        raise ValidationFailed("请填写抽查情况", code="spot_check_note_missing")
    if visited_on > _today():
        raise ValidationFailed("抽查日期不能晚于今天", code="visit_in_future")
    with transaction.atomic():
        app = _locked(actor, app)
        if not app.spot_check_pending or app.step != Step.COUNTY_APPROVAL:
            raise WorkflowRefused("本案不在待抽查状态", code="no_spot_check")
        app.spot_check_note = f"{visited_on.isoformat()} {note.strip()}"
        app.spot_check_done_at = clock.stamp()
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


def do_close_public_notice(actor: User, app: Application) -> Application:
    """公示期满且异议均已答复: the case goes to the county."""
    with transaction.atomic():
        app = _locked(actor, app)
        _check(actor, app, Move.CLOSE_PUBLIC_NOTICE)
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
