"""Monthly rolls (发放名册): run, approve (maker-checker), send back."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.permissions import require
from minzheng.accounts.roles import Capability
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.jobs import RollResult, county_region, run_roll
from minzheng.payments.models import (
    Roll,
)
from minzheng.regions.models import Region

# ── the roll, maker and checker ──────────────────────────────────────────────────────────────


def roll_county(actor: User | None, county_code: str) -> Region:
    """The county whose roll `actor` may make (None: the system); checked before a job is queued
    and again when it runs."""
    county = county_region(county_code)
    if actor is not None:
        if not actor.can(Capability.CASE_DATA):
            raise PermissionDenied("您的角色无权执行此操作")
        if not actor.scope_code().encloses(county.unit):
            raise PermissionDenied("只能由县级或市级人员生成全县花名册")
    return county


def do_run_roll(
    actor: User | None,
    county_code: str,
    month: YearMonth,
    **options: Any,
) -> RollResult:
    """Make (or complete) the roll. `actor` None is the scheduled job; a person needs case data
    in a scope that covers the county."""
    county = roll_county(actor, county_code)
    result = run_roll(county.code, month, actor, **options)
    with transaction.atomic():
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "payment_roll",
            result.roll.pk,
            summary=f"生成{county.name}{month}发放花名册 v{result.roll.version}，新增 {result.inserted} 条",
            after={"inserted": result.inserted, "months": result.months},
            region_code=county.code,
        )
    return result


def do_approve_roll(actor: User | None, roll: Roll) -> Roll:
    """The checker: a county approver who did not make the roll."""
    user = require(actor, Capability.APPROVE, region_code=roll.county_id)
    with transaction.atomic():
        locked = Roll.objects.select_for_update().get(pk=roll.pk)
        if locked.status != Roll.Status.DRAFT:
            raise ValidationFailed("该花名册已审批", code="roll_already_approved")
        if locked.completed_at is None:
            raise ValidationFailed("花名册尚未计算完成，不能审批", code="roll_incomplete")
        if locked.made_by_id is not None and locked.made_by_id == user.pk:
            raise PermissionDenied("制单人不能审批自己生成的花名册（审核分离）")
        locked.status = Roll.Status.APPROVED
        locked.approved_by = user
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        audit.record(
            user,
            AuditEvent.Action.APPROVE,
            "payment_roll",
            locked.pk,
            summary=f"审批花名册 {locked}",
            before={"status": Roll.Status.DRAFT},
            after={"status": locked.status},
            region_code=locked.county_id,
        )
    return locked


def do_send_back_roll(actor: User | None, roll: Roll, *, reason: str) -> Roll:
    """The checker refuses a draft with a reason; the maker's next run reopens it."""
    user = require(actor, Capability.APPROVE, region_code=roll.county_id)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("请填写退回原因", code="reason_required")
    with transaction.atomic():
        locked = Roll.objects.select_for_update().get(pk=roll.pk)
        if locked.status != Roll.Status.DRAFT:
            raise ValidationFailed("只有待审批的花名册可以退回", code="roll_not_draft")
        if locked.made_by_id is not None and locked.made_by_id == user.pk:
            raise PermissionDenied("制单人不能审批自己生成的花名册（审核分离）")
        locked.status = Roll.Status.RETURNED
        locked.returned_reason = reason[:300]
        locked.save(update_fields=["status", "returned_reason"])
        audit.record(
            user,
            AuditEvent.Action.APPROVE,
            "payment_roll",
            locked.pk,
            summary=f"退回花名册 {locked}：{reason[:100]}",
            before={"status": Roll.Status.DRAFT},
            after={"status": locked.status, "reason": reason[:300]},
            region_code=locked.county_id,
        )
    return locked
