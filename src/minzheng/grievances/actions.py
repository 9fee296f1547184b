"""State changes of grievances: receive (from any channel), assign, reply, rate, reopen, escalate
overdue items, open a review on a 骗保 report, record appeals. One transaction each, capability
and scope checked, audited, the row locked."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.applications.models import ReviewTask
from minzheng.assistance.models import OPEN_STATUSES, Enrolment
from minzheng.assistance.queries import parameter_set
from minzheng.core import audit, clock
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.regioncode import county_of
from minzheng.grievances import rules
from minzheng.grievances.models import (
    Appeal,
    Category,
    Channel,
    Grievance,
    GrievanceEvent,
    Kind,
    Satisfaction,
)
from minzheng.regions.models import Region
from minzheng.registry.models import Person

S = Grievance.Status
E = GrievanceEvent.Action


def can_handle(actor: User) -> bool:
    return actor.can(Capability.EDIT_CASES) or actor.can(Capability.APPROVE)


def _require_handler(actor: User | None) -> None:
    if actor is not None and not can_handle(actor):
        raise PermissionDenied("您的角色无权办理投诉举报")


def _event(g: Grievance, action: str, actor: User | None, note: str = "", name: str = "") -> None:
    GrievanceEvent.objects.create(
        grievance=g,
        action=action,
        actor=actor,
        actor_name=name or (actor.display_name or actor.username if actor else "系统"),
        note=note[:500],
        at=clock.now(),
    )


def _locked(actor: User | None, g: Grievance) -> Grievance:
    rows = Grievance.objects.select_for_update()
    return rows.get_visible(actor, pk=g.pk) if actor is not None else rows.get(pk=g.pk)


def _sla(kind: str, region_id: str, day: date) -> tuple[rules.Deadline, str]:
    days, version = parameter_set(county_of(region_id), day).integer(
        f"grievances.sla_working_days.{kind}"
    )
    return rules.deadline(day, days), version.version_id


def open_fraud_review(g: Grievance) -> ReviewTask | None:
    """A 骗保 report brings the review (复核) of the person's open enrolment forward to today."""
    if g.subject_person_id is None:
        return None
    enrolment = (
        Enrolment.objects.filter(status__in=OPEN_STATUSES)
        .filter(person_id=g.subject_person_id)
        .first()
        or Enrolment.objects.filter(
            status__in=OPEN_STATUSES, household__head_id=g.subject_person_id
        ).first()
    )
    if enrolment is None:
        return None
    today = clock.today()
    task = ReviewTask.objects.select_for_update().filter(enrolment=enrolment, status="open").first()
    note = f"骗保举报#{g.pk}：{g.content[:200]}"
    if task is None:
        task = ReviewTask.objects.create(
            enrolment=enrolment,
            region_id=enrolment.region_id,
            due_on=today,
            interval_key="grievances.fraud",
            note=note,
        )
    else:
        task.due_on = min(task.due_on, today)
        task.note = f"{task.note}\n{note}".strip()
        task.save(update_fields=["due_on", "note"])
    g.subject_enrolment = enrolment
    g.review_task_id = task.pk
    g.save(update_fields=["subject_enrolment", "review_task_id"])
    return task


def do_receive(
    actor: User | None,
    *,
    kind: str,
    channel: str,
    category: str,
    content: str,
    region: Region,
    complainant: Person | None = None,
    complainant_name: str = "",
    phone: str = "",
    subject_person: Person | None = None,
    external_ref: str = "",
) -> Grievance:
    """Register a grievance with its deadline; a 骗保 report also opens a review of the case."""
    _require_handler(actor)
    if kind not in Kind.values:
        raise ValidationFailed("请选择诉求类型", code="bad_kind")
    if channel not in Channel.values:
        raise ValidationFailed("请选择来源渠道", code="bad_channel")
    if category not in Category.values:
        raise ValidationFailed("请选择事项类别", code="bad_category")
    content = content.strip()
    if len(content) < 5 or len(content) > 2000:
        raise ValidationFailed("请填写诉求内容（5至2000字）", code="content_missing")
    phone = phone.strip()
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        raise ValidationFailed("联系电话应为7至12位数字", code="bad_phone")
    if channel == Channel.TRANSFER_12345 and not external_ref.strip():
        raise ValidationFailed("12345转办须填写工单号", code="ref_missing")
    if len(external_ref.strip()) > 40 or len(complainant_name.strip()) > 60:
        raise ValidationFailed("工单号或姓名过长", code="too_long")
    day = clock.today()
    due, version = _sla(kind, region.code, day)
    with transaction.atomic():
        g = Grievance(
            kind=kind,
            channel=channel,
            category=category,
            region=region,
            subject_person=subject_person,
            complainant=complainant,
            complainant_name=complainant_name.strip() or (complainant.name if complainant else ""),
            content=content,
            external_ref=external_ref.strip(),
            received_on=day,
            due_on=due.due_on,
            sla_version=version,
            created_by=actor,
        )
        g.set_phone(phone)
        g.save()
        _event(
            g, E.RECEIVED, actor, f"{Channel(channel).label}受理，{due.working_days}个工作日内答复"
        )
        if kind == Kind.FRAUD:
            task = open_fraud_review(g)
            if task is not None:
                _event(g, E.REVIEW_OPENED, actor, f"复核任务#{task.pk}，应复核日期{task.due_on}")
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "grievance",
            g.pk,
            summary=f"{Kind(kind).label}（{Channel(channel).label}），期限{g.due_on}",
            person_id=subject_person.pk if subject_person else None,
            region_code=region.code,
        )
    return g


def do_assign(actor: User, g: Grievance, assignee: User) -> Grievance:
    _require_handler(actor)
    if (
        not can_handle(assignee)
        or not Grievance.objects.visible_to(assignee).filter(pk=g.pk).exists()
    ):
        raise ValidationFailed("承办人须能办理且管辖该事项", code="bad_assignee")
    with transaction.atomic():
        locked = _locked(actor, g)
        if locked.status == S.CLOSED:
            raise ValidationFailed("已办结的事项不能交办", code="closed")
        locked.assigned_to = assignee
        locked.save(update_fields=["assigned_to"])
        _event(locked, E.ASSIGNED, actor, f"交{assignee.display_name or assignee.username}办理")
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "grievance",
            locked.pk,
            summary="交办",
            region_code=locked.region_id,
        )
    return locked


def do_reply(actor: User, g: Grievance, *, text: str) -> Grievance:
    """The written reply to the resident; shown on the portal, waiting for the rating."""
    _require_handler(actor)
    text = text.strip()
    if len(text) < 10 or len(text) > 4000:
        raise ValidationFailed("书面答复应为10至4000字", code="reply_missing")
    with transaction.atomic():
        locked = _locked(actor, g)
        if locked.status != S.OPEN:
            raise ValidationFailed("只有办理中的事项可以答复", code="not_open")
        locked.reply = text
        locked.replied_on = clock.today()
        locked.replied_by = actor
        locked.status = S.ANSWERED
        locked.save(update_fields=["reply", "replied_on", "replied_by", "status"])
        late = "（超期答复）" if locked.replied_on > locked.due_on else ""
        _event(locked, E.REPLIED, actor, f"书面答复{late}")
        audit.record(
            actor,
            AuditEvent.Action.TRANSITION,
            "grievance",
            locked.pk,
            summary=f"书面答复{late}",
            region_code=locked.region_id,
        )
    return locked


def do_rate(resident: Person, g: Grievance, *, satisfaction: str, comment: str = "") -> Grievance:
    """The resident's rating of the reply: satisfied closes the item, unsatisfied reopens it with
    a new deadline."""
    if satisfaction not in Satisfaction.values:
        raise ValidationFailed("请选择满意度", code="bad_satisfaction")
    with transaction.atomic():
        locked = Grievance.objects.select_for_update().filter(pk=g.pk, complainant=resident).first()
        if locked is None:
            raise ValidationFailed("未找到您的诉求", code="not_found")
        if locked.status != S.ANSWERED:
            raise ValidationFailed("该诉求尚未答复或已办结", code="not_answered")
        locked.satisfaction = satisfaction
        name = resident.name
        note = f"{Satisfaction(satisfaction).label}{('：' + comment.strip()[:200]) if comment.strip() else ''}"
        _event(locked, E.RATED, None, note, name=name)
        if satisfaction == Satisfaction.UNSATISFIED:
            due, version = _sla(locked.kind, locked.region_id, clock.today())
            locked.status = S.OPEN
            locked.reopen_count += 1
            locked.due_on, locked.sla_version = due.due_on, version
            locked.escalation_level = 0
            _event(locked, E.REOPENED, None, f"居民不满意，重新办理，期限{due.due_on}", name="系统")
        else:
            locked.status = S.CLOSED
            _event(locked, E.CLOSED, None, "居民评价后办结", name="系统")
        locked.save(
            update_fields=[
                "satisfaction",
                "status",
                "reopen_count",
                "due_on",
                "sla_version",
                "escalation_level",
            ]
        )
        audit.record(
            None,
            AuditEvent.Action.TRANSITION,
            "grievance",
            locked.pk,
            summary=f"居民评价：{note}",
            actor_name="resident",
            region_code=locked.region_id,
        )
    return locked


def do_escalate_overdue(actor: User | None, day: date) -> int:
    """Every open item past its deadline goes one level up, with a new short deadline. Safe to run
    again the same day: an item escalated today is not overdue until its new deadline passes."""
    if actor is not None and not actor.can(Capability.CASE_DATA):
        raise PermissionDenied("您的角色无权执行此操作")
    rows = Grievance.objects.filter(status=S.OPEN, due_on__lt=day)
    if actor is not None:
        rows = rows & Grievance.objects.visible_to(actor)
    done = 0
    for g in rows.order_by("id"):
        with transaction.atomic():
            locked = Grievance.objects.select_for_update().get(pk=g.pk)
            params = parameter_set(county_of(locked.region_id), day)
            top, _ = params.integer("grievances.escalation.max_level")
            extra, _ = params.integer("grievances.escalation.extra_working_days")
            decision = rules.escalation(locked.due_on, day, locked.escalation_level, top)
            if locked.status != S.OPEN or not decision.escalate:
                continue
            locked.escalation_level = decision.level
            locked.escalated_on = day
            locked.due_on = rules.deadline(day, extra).due_on
            locked.save(update_fields=["escalation_level", "escalated_on", "due_on"])
            _event(locked, E.ESCALATED, actor, decision.reason)
            audit.record(
                actor,
                AuditEvent.Action.UPDATE,
                "grievance",
                locked.pk,
                summary=decision.reason,
                region_code=locked.region_id,
            )
        done += 1
    return done


def do_record_appeal(
    actor: User, *, kind: str, person: Person, decision: str, body: str, filed_on: date
) -> Appeal:
    _require_handler(actor)
    if kind not in Appeal.Kind.values:
        raise ValidationFailed("请选择行政复议或行政诉讼", code="bad_kind")
    decision, body = decision.strip(), body.strip()
    if not decision or not body or len(decision) > 200 or len(body) > 100:
        raise ValidationFailed("请填写被申请的决定和复议机关（法院）", code="missing_field")
    if filed_on > clock.today():
        raise ValidationFailed("申请日期不能晚于今天", code="future_date")
    with transaction.atomic():
        appeal = Appeal.objects.create(
            kind=kind,
            region_id=person.region_id,
            person=person,
            decision=decision,
            body=body,
            filed_on=filed_on,
            created_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "appeal",
            appeal.pk,
            summary=f"{Appeal.Kind(kind).label}：{decision}",
            person_id=person.pk,
            region_code=person.region_id,
        )
    return appeal


def do_record_appeal_outcome(
    actor: User, appeal: Appeal, *, outcome: str, decided_on: date, note: str = ""
) -> Appeal:
    _require_handler(actor)
    if outcome not in Appeal.Outcome.values or outcome == Appeal.Outcome.PENDING:
        raise ValidationFailed("请选择复议（诉讼）结果", code="bad_outcome")
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().get_visible(actor, pk=appeal.pk)
        if decided_on < locked.filed_on or decided_on > clock.today():
            raise ValidationFailed("决定日期应在申请日期与今天之间", code="bad_date")
        locked.outcome, locked.decided_on, locked.note = outcome, decided_on, note.strip()[:300]
        locked.save(update_fields=["outcome", "decided_on", "note"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "appeal",
            locked.pk,
            summary=f"结果：{Appeal.Outcome(outcome).label}",
            person_id=locked.person_id,
            region_code=locked.region_id,
        )
    return locked
