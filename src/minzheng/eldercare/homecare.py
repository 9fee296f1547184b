"""居家养老服务 actions: service providers, service orders, visits with check-in/check-out, and the
时间银行 ledger (a volunteer's visit deposits hours; a visit on an order paid from the time bank
withdraws them from the served person's account; the balance never goes below zero)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core import audit, clock
from minzheng.core.errors import NotFound, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.eldercare import home_rules, queries
from minzheng.eldercare.home_queries import in_scope
from minzheng.eldercare.home_queries import person as _person
from minzheng.eldercare.home_queries import require_or_system as _require
from minzheng.eldercare.home_rules import PROVIDER_KINDS, SERVICE_KINDS
from minzheng.eldercare.models import CareOrder, CareProvider, CareVisit, TimeBankEntry
from minzheng.regions.models import Region
from minzheng.registry.models import Person

EDITORS = "只有乡镇经办员、村社协理员可以"


def do_add_provider(
    actor: User | None, *, name: str, kind: str, region_code: str, phone: str = ""
) -> CareProvider:
    """A provider based in a region of the actor's scope; `actor` None is the demo."""
    _require(actor, Capability.EDIT_CASES, f"{EDITORS}登记居家养老服务组织")
    name, phone, region_code = name.strip(), phone.strip(), region_code.strip()
    if not name or len(name) > 100:
        raise ValidationFailed("请填写服务组织名称（不超过100个字）", code="provider_name")
    if kind not in PROVIDER_KINDS:
        raise ValidationFailed("请选择服务组织类型", code="provider_kind")
    if len(phone) > 20:
        raise ValidationFailed("联系电话不超过20位", code="provider_phone")
    region = Region.objects.filter(pk=region_code).first()
    if region is None or (actor is not None and not actor.covers(region.code)):
        raise ValidationFailed("所在区划不存在或不在您的管辖范围内", code="unknown_region")
    with transaction.atomic():
        if CareProvider.objects.filter(region=region, name=name).exists():
            raise ValidationFailed(f"{region.name}已有服务组织“{name}”", code="duplicate_provider")
        provider = CareProvider.objects.create(name=name, kind=kind, region=region, phone=phone)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "care_provider",
            provider.pk,
            summary=f"登记居家养老服务组织 {region.name}·{name}",
            region_code=region.code,
            actor_name=None if actor else "system",
        )
    return provider


def do_open_order(
    actor: User | None,
    *,
    person_id: int,
    provider_id: int,
    service: str,
    timebank: bool = False,
    note: str = "",
) -> CareOrder:
    _require(actor, Capability.EDIT_CASES, f"{EDITORS}派发居家养老服务工单")
    person = _person(actor, person_id)
    if person.date_of_death is not None:
        raise ValidationFailed(f"{person.name}已于{person.date_of_death}死亡", code="deceased")
    provider = (
        in_scope(actor, CareProvider.objects.all()).filter(pk=provider_id, active=True).first()
    )
    if provider is None:
        raise ValidationFailed("请选择辖区内服务中的服务组织", code="unknown_provider")
    if service not in SERVICE_KINDS:
        raise ValidationFailed("请选择服务项目", code="service_invalid")
    note = note.strip()
    if len(note) > 500:
        raise ValidationFailed("备注不超过500个字", code="note_too_long")
    today = clock.today()
    elderly_age, _ = queries.parameters(person.region_id, today).integer("eldercare.elderly_age")
    from minzheng.eldercare.rules import age_on

    if person.birth_date is None or age_on(person.birth_date, today) < elderly_age:
        raise ValidationFailed(
            f"{person.name}未满{elderly_age}周岁，不属于居家养老服务对象", code="not_elderly"
        )
    with transaction.atomic():
        order = CareOrder.objects.create(
            person=person,
            region_id=person.region_id,
            provider=provider,
            service=service,
            timebank=timebank,
            started_on=today,
            note=note,
            created_by=actor if actor is not None and actor.pk else None,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "care_order",
            order.pk,
            summary=f"为{person.name}派发{SERVICE_KINDS[service]}工单（{provider.name}）",
            person_id=person.pk,
            region_code=person.region_id,
        )
    return order


def do_close_order(actor: User | None, order_id: int, *, reason: str) -> CareOrder:
    _require(actor, Capability.EDIT_CASES, f"{EDITORS}结束服务工单")
    reason = reason.strip()
    if not reason or len(reason) > 200:
        raise ValidationFailed("请填写结束原因（不超过200个字）", code="reason_missing")
    with transaction.atomic():
        order = _order(actor, order_id)
        order = CareOrder.objects.select_for_update().get(pk=order.pk)
        if order.status != CareOrder.Status.OPEN:
            raise ValidationFailed("该工单已结束", code="order_closed")
        order.status = CareOrder.Status.CLOSED
        order.save(update_fields=["status"])
        audit.record(
            actor,
            AuditEvent.Action.TRANSITION,
            "care_order",
            order.pk,
            summary=f"结束服务工单：{reason}",
            person_id=order.person_id,
            region_code=order.region_id,
        )
    return order


def _order(actor: User | None, order_id: int) -> CareOrder:
    found = in_scope(actor, CareOrder.objects.all()).filter(pk=order_id).first()
    if found is None:
        raise NotFound("服务工单不存在或不在您的管辖范围内")
    return found


def _post(
    actor: User | None,
    person: Person,
    kind: str,
    hours: Decimal,
    *,
    visit: CareVisit | None = None,
    note: str = "",
) -> TimeBankEntry:
    """One time-bank line under a lock on the person: two posts never read the same balance."""
    Person.objects.select_for_update().filter(pk=person.pk).first()
    last = TimeBankEntry.objects.filter(person=person).order_by("-id").first()
    balance = home_rules.balance_after(last.balance if last else Decimal("0.00"), kind, hours)
    return TimeBankEntry.objects.create(
        person=person,
        region_id=person.region_id,
        kind=kind,
        hours=hours,
        balance=balance,
        visit=visit,
        note=note,
        recorded_by=actor if actor is not None and actor.pk else None,
    )


def do_record_visit(
    actor: User | None,
    order_id: int,
    *,
    check_in: datetime,
    check_out: datetime,
    caregiver: str,
    volunteer_id: int | None = None,
    note: str = "",
) -> CareVisit:
    """A visit of an open order. A volunteer's visit deposits its hours in the volunteer's time
    bank; a visit of an order paid from the time bank withdraws them from the served person's —
    refused, with nothing saved, when the balance is short."""
    _require(actor, Capability.EDIT_CASES, f"{EDITORS}登记上门服务")
    minutes = home_rules.visit_minutes(check_in, check_out, clock.now())
    caregiver, note = caregiver.strip(), note.strip()
    if not caregiver or len(caregiver) > 60:
        raise ValidationFailed("请填写服务人员姓名（不超过60个字）", code="caregiver_missing")
    if len(note) > 500:
        raise ValidationFailed("服务内容不超过500个字", code="note_too_long")
    volunteer = _person(actor, volunteer_id) if volunteer_id else None
    with transaction.atomic():
        order = _order(actor, order_id)
        order = CareOrder.objects.select_for_update().select_related("person").get(pk=order.pk)
        if order.status != CareOrder.Status.OPEN:
            raise ValidationFailed("该工单已结束，不能登记服务", code="order_closed")
        if volunteer is not None and volunteer.pk == order.person_id:
            raise ValidationFailed("志愿者不能是服务对象本人", code="volunteer_is_client")
        if CareVisit.objects.filter(
            order=order, check_in__lt=check_out, check_out__gt=check_in
        ).exists():
            raise ValidationFailed("该工单在这段时间已有服务记录", code="visit_overlaps")
        unit, _ = queries.parameters(order.region_id, check_in.date()).integer(
            "eldercare.timebank.unit_minutes"
        )
        hours = home_rules.timebank_hours(minutes, unit)
        if (volunteer is not None or order.timebank) and hours <= 0:
            raise ValidationFailed(f"服务不足{unit}分钟，不计入时间银行", code="visit_too_short")
        visit = CareVisit.objects.create(
            order=order,
            region_id=order.region_id,
            caregiver=caregiver,
            volunteer=volunteer,
            check_in=check_in,
            check_out=check_out,
            minutes=minutes,
            note=note,
            recorded_by=actor if actor is not None and actor.pk else None,
        )
        service = SERVICE_KINDS.get(order.service, "")
        if not service.endswith("服务"):  # 助洁服务; 代办服务 is not made 代办服务服务
            service = f"{service}服务"
        if order.timebank:
            _post(actor, order.person, "withdrawal", hours, visit=visit, note=f"兑换{service}")
        if volunteer is not None:
            _post(
                actor,
                volunteer,
                "deposit",
                hours,
                visit=visit,
                note=f"为{order.person.name}提供{service}",
            )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "care_visit",
            visit.pk,
            summary=(
                f"{order.person.name}{service}上门服务 {check_in:%Y-%m-%d %H:%M}–"
                f"{check_out:%H:%M}（{minutes}分钟）"
            ),
            after={"minutes": minutes, "hours": hours},
            person_id=order.person_id,
            region_code=order.region_id,
        )
    return visit


def do_timebank_entry(
    actor: User | None, *, person_id: int, kind: str, hours: Decimal, note: str
) -> TimeBankEntry:
    """A line typed by staff: hours of volunteer service given outside the orders (存入), or
    hours exchanged for something other than an order's visit (支取)."""
    _require(actor, Capability.EDIT_CASES, f"{EDITORS}登记时间银行")
    person = _person(actor, person_id)
    note = note.strip()
    if not note or len(note) > 200:
        raise ValidationFailed("请填写说明（不超过200个字）", code="note_missing")
    with transaction.atomic():
        entry = _post(actor, person, kind, hours, note=note)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "timebank_entry",
            entry.pk,
            summary=(
                f"{person.name}时间银行{home_rules.TIMEBANK_KINDS[kind]}{hours}小时，"
                f"余额{entry.balance}小时：{note}"
            ),
            person_id=person.pk,
            region_code=person.region_id,
        )
    return entry
