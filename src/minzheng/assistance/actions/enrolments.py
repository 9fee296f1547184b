"""Enrolments (在保): enrol, change the amount, end, gradual exit (渐退), and the amount in force for a month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.assistance.models import (
    OPEN_STATUSES,
    Enrolment,
    EnrolmentAmount,
)
from minzheng.assistance.programmes import ProgrammeCode, get_programme
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from minzheng.registry.models import Household, Membership, Person


def do_enrol(
    actor: User | None,
    *,
    household: Household,
    programme: str,
    start: YearMonth,
    amount: Decimal,
    components: dict[str, Any] | None = None,
    person: Person | None = None,
    decision: dict[str, Any] | None = None,
    care_level: str = "",
    application_id: int | None = None,
) -> Enrolment:
    """Enrol a household (or one person of it) in a programme from a month, with its amount."""
    code = ProgrammeCode(programme)
    if amount < 0:
        raise ValidationFailed("救助金额不能为负数", code="negative_amount")
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                household=household,
                person=person,
                programme=code.value,
                region_id=household.region_id,
                start_month=start.first_day(),
                persons=counted_persons(household, person, decision or {}, start),
                care_level=care_level,
                decision=decision or {},
                source_application_id=application_id,
                created_by=actor,
            )
            EnrolmentAmount.objects.create(
                enrolment=enrolment,
                effective_month=start.first_day(),
                amount=amount,
                components=components or {},
                reason="审批纳入",
            )
            audit.record(
                actor,
                AuditEvent.Action.CREATE,
                "enrolment",
                enrolment.pk,
                summary=f"纳入{get_programme(code).short_name}，自{start}起每月{amount}元",
                after={
                    "household": household.pk,
                    "programme": code.value,
                    "start": str(start),
                    "amount": amount,
                },
                person_id=person.pk if person else (household.head_id or None),
                region_code=household.region_id,
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            "该家庭已在享受此救助项目，不能重复纳入", code="already_enrolled"
        ) from exc
    return enrolment


def counted_persons(
    household: Household, person: Person | None, decision: dict[str, Any], start: YearMonth
) -> int:
    """The persons an enrolment counts, fixed at decision time (民发〔2021〕57号 art 7): one for
    an individual enrolment; for a household, the members the rules' decision included, or —
    with no rules' decision (a programme decided by hand) — the members living together at the
    start; less members already enrolled in 低保 on their own (单人户), who count there."""
    if person is not None:
        return 1
    lines = decision.get("membership") or []
    if lines:
        included = sum(1 for line in lines if line.get("included"))
    else:
        day = start.first_day()
        included = (
            Membership.objects.filter(household=household, lives_together=True, valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
            .exclude(person__date_of_death__lte=day)
            .count()
        )
    alone = (
        Enrolment.objects.filter(
            household=household,
            programme=ProgrammeCode.DIBAO,
            person__isnull=False,
            status__in=OPEN_STATUSES,
        )
        .values("person")
        .distinct()
        .count()
    )
    return max(1, included - alone)


def do_change_enrolment_amount(
    actor: User | None,
    enrolment: Enrolment,
    *,
    month: YearMonth,
    amount: Decimal,
    reason: str,
    components: dict[str, Any] | None = None,
) -> EnrolmentAmount:
    if amount < 0:
        raise ValidationFailed("救助金额不能为负数", code="negative_amount")
    with transaction.atomic():
        row, _ = EnrolmentAmount.objects.update_or_create(
            enrolment=enrolment,
            effective_month=month.first_day(),
            defaults={"amount": amount, "reason": reason, "components": components or {}},
        )
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "enrolment",
            enrolment.pk,
            summary=f"自{month}起调整为每月{amount}元：{reason}",
            after={"month": str(month), "amount": amount},
            region_code=enrolment.region_id,
        )
    return row


def do_end_enrolment(
    actor: User | None, enrolment: Enrolment, *, last_paid_month: YearMonth, reason: str
) -> Enrolment:
    """Stop an enrolment; the month after `last_paid_month` is the first not paid.

    A caseworker (review exit) or the county (refusal ends a provisional enrolment) may end one;
    `None` is the system itself (a death notified by the joint procedure's scheduled job).
    """
    if actor is not None and not (
        actor.can(Capability.EDIT_CASES) or actor.can(Capability.APPROVE)
    ):
        raise PermissionDenied("您的角色无权执行此操作")
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if locked.status == Enrolment.Status.ENDED:
            raise ValidationFailed("该救助已终止", code="already_ended")
        end = (last_paid_month + 1).first_day()
        if end <= locked.start_month:
            end = locked.start_month
        _set_status(actor, locked, Enrolment.Status.ENDED, end, summary=f"终止：{reason}")
    enrolment.status, enrolment.end_month = locked.status, locked.end_month
    return locked


def _set_status(
    actor: User | None, locked: Enrolment, status: str, end: date, *, summary: str
) -> None:
    """Move a locked enrolment to `status`, paid until the month before `end`; audited."""
    before = {"status": locked.status, "end_month": locked.end_month}
    locked.status = status
    locked.end_month = end
    locked.save(update_fields=["status", "end_month", "updated_at"])
    audit.record(
        actor,
        AuditEvent.Action.UPDATE,
        "enrolment",
        locked.pk,
        summary=summary,
        before=before,
        after={"status": locked.status, "end_month": end},
        region_code=locked.region_id,
    )


def do_start_gradual_exit(
    actor: User | None, enrolment: Enrolment, *, until: YearMonth, reason: str
) -> Enrolment:
    """渐退: the enrolment stays open in status 渐退期 and is paid up to and including `until`."""
    if actor is not None and not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("您的角色无权执行此操作")
    if enrolment.status not in (Enrolment.Status.ACTIVE, Enrolment.Status.SUSPENDED):
        raise ValidationFailed("只有在保的救助可以进入渐退期", code="not_active")
    if not reason.strip():
        raise ValidationFailed("请填写渐退理由", code="reason_missing")
    end = (until + 1).first_day()
    if end <= enrolment.start_month:
        raise ValidationFailed("渐退截止月份不能早于起始月份", code="bad_month")
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        _set_status(
            actor,
            locked,
            Enrolment.Status.GRADUAL_EXIT,
            end,
            summary=f"渐退：发放至{until}，{reason.strip()}",
        )
    enrolment.status, enrolment.end_month = locked.status, locked.end_month
    return locked


def amount_for(enrolment: Enrolment, month: YearMonth) -> Decimal | None:
    """The amount in force for a month, or None when the enrolment does not pay that month."""
    first = month.first_day()
    if first < enrolment.start_month or (
        enrolment.end_month is not None and first >= enrolment.end_month
    ):
        return None
    row = enrolment.amounts.filter(effective_month__lte=first).order_by("-effective_month").first()
    return row.amount if row else None
