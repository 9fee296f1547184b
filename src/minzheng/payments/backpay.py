"""补发: the reasoned back-pay for past months, with maker-checker and audit.

A policy value cannot take effect before the day it is confirmed (`assistance` refuses a past
start), so money owed for months already paid is corrected here: a caseworker or approver proposes
the months, the amount owed a month and the reason; a second person with the approval role and
the scope approves it; the next roll of the county pays it once as an arrears line
(`payments.jobs.BACK_PAY_SQL`). Both steps are audited with the figures.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.assistance.models import Enrolment
from minzheng.core import audit, clock
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.inputs import parse_amount
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.models import BackPay

MIN_REASON = 5
MAX_MONTHLY = Decimal("100000")


def _month(text: str, label: str) -> YearMonth:
    try:
        return YearMonth.parse(text)
    except ValueError:
        raise ValidationFailed(
            f"{label}格式应为 YYYY-MM（如 2026-10）", code="invalid_month"
        ) from None


def do_propose_back_pay(
    actor: User,
    enrolment: Enrolment,
    *,
    from_month: str,
    to_month: str,
    monthly_amount: str,
    reason: str,
) -> BackPay:
    """Propose a back-pay for past months of an enrolment in the actor's scope; nothing is paid
    until a second person approves it."""
    if not (actor.can(Capability.EDIT_CASES) or actor.can(Capability.APPROVE)):
        raise PermissionDenied("您的角色无权提出补发")
    enrolment = Enrolment.objects.get_visible(actor, pk=enrolment.pk)
    start, end = _month(from_month, "补发起始月份"), _month(to_month, "补发截止月份")
    amount = parse_amount(monthly_amount, "每月补发金额", maximum=MAX_MONTHLY)
    reason = reason.strip()
    this_month = YearMonth.of(clock.today())
    if amount <= 0:
        raise ValidationFailed("每月补发金额应大于0", code="invalid_amount")
    if len(reason) < MIN_REASON:
        raise ValidationFailed(f"请写明补发理由（至少{MIN_REASON}个字）", code="reason_required")
    if start.months_until(end) < 0:
        raise ValidationFailed("补发起始月份不能晚于截止月份", code="invalid_months")
    if end.months_until(this_month) <= 0:
        raise ValidationFailed(
            f"补发只用于已过去的月份（{this_month}之前）；本月及以后的金额请调整救助金额",
            code="not_past",
        )
    if enrolment.start_month > start.first_day() or (
        enrolment.end_month is not None and enrolment.end_month <= end.first_day()
    ):
        raise ValidationFailed("补发月份超出该救助对象的保障期间", code="outside_enrolment")
    overlapping = BackPay.objects.filter(
        enrolment=enrolment,
        status__in=(BackPay.Status.PENDING, BackPay.Status.APPROVED),
        from_month__lte=end.first_day(),
        to_month__gte=start.first_day(),
    )
    if overlapping.exists():
        raise ValidationFailed("这些月份已有待审批或已审批的补发", code="back_pay_overlaps")
    months = start.months_until(end) + 1
    payee_id = enrolment.person_id or enrolment.household.head_id
    if payee_id is None:
        raise ValidationFailed("该户没有户主，无法确定补发对象", code="no_payee")
    with transaction.atomic():
        back_pay = BackPay.objects.create(
            enrolment=enrolment,
            region_id=enrolment.region_id,
            payee_id=payee_id,
            from_month=start.first_day(),
            to_month=end.first_day(),
            monthly_amount=amount,
            total=amount * months,
            reason=reason,
            proposed_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "back_pay",
            back_pay.pk,
            summary=f"提出补发{start}至{end}，每月{amount}元，共{months}个月{back_pay.total}元",
            after=_figures(back_pay),
            region_code=enrolment.region_id,
        )
    return back_pay


def _figures(b: BackPay) -> dict[str, str]:
    return {
        "from_month": f"{b.from_month:%Y-%m}",
        "to_month": f"{b.to_month:%Y-%m}",
        "monthly_amount": str(b.monthly_amount),
        "total": str(b.total),
        "status": b.status,
    }


def do_approve_back_pay(actor: User, back_pay: BackPay) -> BackPay:
    """The checker approves: another person, with the approval role and the scope; the next
    roll of the county from this month pays it."""
    if not actor.can(Capability.APPROVE):
        raise PermissionDenied("您的角色无权审批补发")
    with transaction.atomic():
        locked = BackPay.objects.select_for_update().get_visible(actor, pk=back_pay.pk)
        if locked.status != BackPay.Status.PENDING:
            raise ValidationFailed("该补发不是待审批状态", code="not_pending")
        if locked.proposed_by_id == actor.pk:
            raise PermissionDenied("提出人不能审批自己提出的补发，须由另一名有权限的人员审批")
        before = _figures(locked)
        locked.status = BackPay.Status.APPROVED
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        locked.pay_month = YearMonth.of(clock.today()).first_day()
        locked.save(update_fields=["status", "approved_by", "approved_at", "pay_month"])
        audit.record(
            actor,
            AuditEvent.Action.APPROVE,
            "back_pay",
            locked.pk,
            summary=(
                f"审批补发{locked.total}元（提出人 {locked.proposed_by_id}），"
                f"随{locked.pay_month:%Y-%m}花名册发放"
            ),
            before=before,
            after=_figures(locked),
            region_code=locked.region_id,
        )
    return locked


def do_withdraw_back_pay(actor: User, back_pay: BackPay) -> BackPay:
    if not (actor.can(Capability.EDIT_CASES) or actor.can(Capability.APPROVE)):
        raise PermissionDenied("您的角色无权撤回补发")
    with transaction.atomic():
        locked = BackPay.objects.select_for_update().get_visible(actor, pk=back_pay.pk)
        if locked.status != BackPay.Status.PENDING:
            raise ValidationFailed("只有待审批的补发可以撤回", code="not_pending")
        before = _figures(locked)
        locked.status = BackPay.Status.WITHDRAWN
        locked.save(update_fields=["status"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "back_pay",
            locked.pk,
            summary="撤回补发",
            before=before,
            after=_figures(locked),
            region_code=locked.region_id,
        )
    return locked
