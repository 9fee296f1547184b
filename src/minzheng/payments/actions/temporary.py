"""Temporary assistance cases (临时救助): creating one and deciding it."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.permissions import require
from minzheng.accounts.roles import Capability
from minzheng.core import audit, clock
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.inputs import parse_amount
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions.accounts import _new_account
from minzheng.payments.models import (
    TemporaryCase,
)
from minzheng.regions.models import Region
from minzheng.registry.models import Person

# ── temporary assistance ─────────────────────────────────────────────────────────────────────


def do_create_temporary_case(
    actor: User | None,
    *,
    region: Region,
    amount: Decimal,
    reason: str,
    bank_name: str,
    account_number: str,
    person: Person | None = None,
    name: str = "",
    id_number: str = "",
) -> TemporaryCase:
    """The maker: a caseworker records a one-off payment, for a registry person or an outsider."""
    user = require(actor, Capability.EDIT_CASES, region_code=region.code)
    amount = parse_amount(amount, "救助金额")  # finite, two decimals, bounded: 1e30 broke pages
    if amount <= 0:
        raise ValidationFailed("救助金额应大于零", code="invalid_amount")
    if person is None and not (name.strip() and id_number.strip()):
        raise ValidationFailed("非登记人员须填写姓名和身份证号", code="identity_required")
    if person is not None:
        name = person.name
    with transaction.atomic():
        account = _new_account(
            person=None, holder_name=name, bank_name=bank_name, number=account_number
        )
        case = TemporaryCase(
            region=region,
            person=person,
            name=name,
            account=account,
            amount=amount,
            reason=reason,
            made_by=user,
        )
        case.set_id_number(id_number.strip().upper())
        case.save()
        audit.record(
            user,
            AuditEvent.Action.CREATE,
            "temporary_case",
            case.pk,
            summary=f"临时救助申请 {name} {amount}元：{reason}",
            after={"amount": amount, "account": account.number_masked},
            person_id=person.pk if person else None,
            region_code=region.code,
        )
    return case


def do_decide_temporary_case(
    actor: User | None, case: TemporaryCase, *, approve: bool, month: YearMonth | None = None
) -> TemporaryCase:
    """The checker: a county approver other than the maker approves; paid by the next roll."""
    user = require(actor, Capability.APPROVE, region_code=case.region_id)
    with transaction.atomic():
        locked = TemporaryCase.objects.select_for_update().get(pk=case.pk)
        if locked.status != TemporaryCase.Status.DRAFT:
            raise ValidationFailed("该临时救助已审批", code="case_decided")
        if locked.made_by_id == user.pk:
            raise PermissionDenied("经办人不能审批自己录入的临时救助（审核分离）")
        locked.status = TemporaryCase.Status.APPROVED if approve else TemporaryCase.Status.REJECTED
        locked.approved_by = user
        today = clock.today()
        locked.approved_month = (month or YearMonth.of(today)).first_day() if approve else None
        locked.save(update_fields=["status", "approved_by", "approved_month"])
        audit.record(
            user,
            AuditEvent.Action.APPROVE,
            "temporary_case",
            locked.pk,
            summary=f"临时救助#{locked.pk} {locked.get_status_display()}",
            after={"status": locked.status},
            region_code=locked.region_id,
        )
    return locked
