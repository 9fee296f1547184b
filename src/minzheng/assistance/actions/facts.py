"""Household facts the rules read: incomes, assets, extra expenses, ADL assessments, supporters, member circumstances."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.assistance.errors import NegativeIncome
from minzheng.assistance.facts import (
    INCOME_NAMES,
    AwayReason,
    IncomeKind,
    NonResidentialKind,
    StudentStatus,
    VehicleKind,
)
from minzheng.assistance.models import (
    AdlAssessmentRecord,
    AssetKind,
    ExtraExpense,
    HouseholdAsset,
    IncomeRecord,
    IncomeSource,
    MemberCircumstance,
    SupporterRecord,
)
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.registry.models import Household, Person

# ── household economic facts ─────────────────────────────────────────────────────────────────


def _editable_person(actor: User, person: Person) -> Person:
    if not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("您的角色无权维护家庭经济状况")
    return Person.objects.get_visible(actor, pk=person.pk)


def _editable_household(actor: User, household: Household) -> Household:
    if not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("您的角色无权维护家庭经济状况")
    return Household.objects.get_visible(actor, pk=household.pk)


def _non_negative(amount: Decimal, what: str) -> None:
    if amount < 0:
        raise ValidationFailed(f"{what}不能为负数：{amount}", code="negative_amount")


def do_record_income(
    actor: User,
    person: Person,
    *,
    kind: str,
    monthly_amount: Decimal,
    valid_from: date,
    valid_to: date | None = None,
    source: str = IncomeSource.DECLARED,
    note: str = "",
) -> IncomeRecord:
    person = _editable_person(actor, person)
    try:
        income_kind = IncomeKind(kind)
    except ValueError:
        raise ValidationFailed(f"未知的收入类别：{kind}", code="unknown_income_kind") from None
    if monthly_amount < 0:
        raise NegativeIncome(person.name, INCOME_NAMES[income_kind], monthly_amount)
    _check_period(valid_from, valid_to)
    with transaction.atomic():
        record = IncomeRecord.objects.create(
            person=person,
            kind=income_kind.value,
            monthly_amount=monthly_amount,
            valid_from=valid_from,
            valid_to=valid_to,
            source=IncomeSource(source).value,
            note=note,
            created_by=actor,
        )
        _audit_fact(
            actor,
            "income_record",
            record.pk,
            person,
            f"{INCOME_NAMES[income_kind]} {monthly_amount} 元/月（{record.get_source_display()}）",
        )
    return record


def do_record_asset(
    actor: User,
    household: Household,
    *,
    kind: str,
    valid_from: date,
    valid_to: date | None = None,
    amount: Decimal | None = None,
    vehicle_kind: str = "",
    nonresidential_kind: str = "",
    is_only_home: bool = False,
    floor_area: Decimal | None = None,
    note: str = "",
) -> HouseholdAsset:
    household = _editable_household(actor, household)
    asset_kind = AssetKind(kind)
    _check_period(valid_from, valid_to)
    if asset_kind == AssetKind.MONEY:
        if amount is None:
            raise ValidationFailed("货币财产须填写金额", code="amount_required")
        _non_negative(amount, "货币财产")
    elif asset_kind == AssetKind.VEHICLE:
        VehicleKind(vehicle_kind)
    elif asset_kind == AssetKind.NONRESIDENTIAL:
        NonResidentialKind(nonresidential_kind)
    else:
        if floor_area is None:
            raise ValidationFailed("住房须填写建筑面积", code="area_required")
        _non_negative(floor_area, "住房面积")
    with transaction.atomic():
        asset = HouseholdAsset.objects.create(
            household=household,
            kind=asset_kind.value,
            amount=amount,
            vehicle_kind=vehicle_kind,
            nonresidential_kind=nonresidential_kind,
            is_only_home=is_only_home,
            floor_area=floor_area,
            valid_from=valid_from,
            valid_to=valid_to,
            note=note,
            created_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "household_asset",
            asset.pk,
            summary=f"登记家庭财产：{asset.get_kind_display()}",
            after={
                "household": household.pk,
                "kind": kind,
                "amount": amount,
                "floor_area": floor_area,
            },
            region_code=household.region_id,
        )
    return asset


def do_record_extra_expense(
    actor: User,
    person: Person,
    *,
    kind: str,
    monthly_amount: Decimal,
    valid_from: date,
    valid_to: date | None = None,
) -> ExtraExpense:
    person = _editable_person(actor, person)
    _non_negative(monthly_amount, "刚性支出")
    _check_period(valid_from, valid_to)
    with transaction.atomic():
        row = ExtraExpense.objects.create(
            person=person,
            kind=ExtraExpense.Kind(kind).value,
            monthly_amount=monthly_amount,
            valid_from=valid_from,
            valid_to=valid_to,
            created_by=actor,
        )
        _audit_fact(
            actor,
            "extra_expense",
            row.pk,
            person,
            f"{row.get_kind_display()} {monthly_amount} 元/月",
        )
    return row


def do_record_adl_assessment(
    actor: User, person: Person, *, assessed_on: date, **items: bool
) -> AdlAssessmentRecord:
    person = _editable_person(actor, person)
    with transaction.atomic():
        row = AdlAssessmentRecord.objects.create(
            person=person, assessed_on=assessed_on, created_by=actor, **items
        )
        failed = sum(1 for ok in items.values() if not ok)
        _audit_fact(
            actor, "adl_assessment", row.pk, person, f"生活自理能力评估：{failed} 项不能完成"
        )
    return row


def do_record_supporter(
    actor: User,
    person: Person,
    *,
    name: str,
    birth_date: date,
    valid_from: date,
    monthly_income: Decimal = Decimal(0),
    **flags: Any,
) -> SupporterRecord:
    person = _editable_person(actor, person)
    if monthly_income < 0:
        raise NegativeIncome(name, "义务人收入", monthly_income)
    with transaction.atomic():
        row = SupporterRecord.objects.create(
            person=person,
            name=name,
            birth_date=birth_date,
            monthly_income=monthly_income,
            valid_from=valid_from,
            created_by=actor,
            **flags,
        )
        _audit_fact(actor, "supporter_record", row.pk, person, f"登记法定义务人 {name}")
    return row


def do_set_member_circumstance(actor: User, person: Person, **fields: Any) -> MemberCircumstance:
    person = _editable_person(actor, person)
    AwayReason(fields.get("away_reason", AwayReason.NONE))
    StudentStatus(fields.get("student", StudentStatus.NONE))
    with transaction.atomic():
        row, _ = MemberCircumstance.objects.update_or_create(person=person, defaults=fields)
        _audit_fact(
            actor,
            "member_circumstance",
            row.pk,
            person,
            "更新成员情况",
            action=AuditEvent.Action.UPDATE,
            after=fields,
        )
    return row


def _check_period(start: date, end: date | None) -> None:
    if end is not None and end <= start:
        raise ValidationFailed("终止日期应晚于起始日期", code="invalid_period")


def _audit_fact(
    actor: User,
    object_type: str,
    pk: int,
    person: Person,
    summary: str,
    *,
    action: str = AuditEvent.Action.CREATE,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        actor,
        action,
        object_type,
        pk,
        summary=summary,
        after=after or {"summary": summary},
        person_id=person.pk,
        region_code=person.region_id,
    )
