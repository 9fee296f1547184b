"""Funeral actions: cremation with the basic fee waiver, burial with the eco-burial subsidy paid
through the payments ledger, Qingming reservations with QR admission, online memorial requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.civil import rules
from minzheng.civil.joint import open_after_death_case, refresh_case
from minzheng.civil.models import (
    ECO_METHODS,
    Burial,
    BurialMethod,
    Cemetery,
    CremationRecord,
    FuneralHome,
    JointCase,
    MemorialRequest,
    QingmingReservation,
    QingmingSlot,
)
from minzheng.civil.parameter_catalog import civil_parameters
from minzheng.core import audit
from minzheng.core.errors import NotFound, PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.registry.models import IdentityTag, Person

MAX_PARTY = 6  # people on one Qingming reservation; a booking-form limit, not policy


def _caseworker(actor: User | None) -> User:
    if actor is None or not actor.can(Capability.EDIT_CASES):
        raise PermissionDenied("您的角色不能办理殡葬业务")
    return actor


def identity_labels() -> dict[str, str]:
    from minzheng.assistance.programmes import PROGRAMMES

    labels = {p.code.value: p.name for p in PROGRAMMES}
    labels.update(dict(IdentityTag.Tag.choices))
    return labels


def identities_on(person: Person, on: date) -> frozenset[str]:
    """Identity tags held on the day, and the programmes the person (or their household) was
    enrolled in that month — an enrolment is the identity even where no tag was written."""
    from minzheng.assistance.models import Enrolment
    from minzheng.registry.models import Membership

    tags = IdentityTag.objects.filter(person=person, valid_from__lte=on).exclude(valid_to__lt=on)
    households = (
        Membership.objects.filter(person=person, valid_from__lte=on)
        .exclude(valid_to__lte=on)
        .values_list("household_id", flat=True)
    )
    month = on.replace(day=1)
    enrolled = (
        Enrolment.objects.filter(start_month__lte=month)
        .exclude(end_month__lte=month)
        .filter(
            models.Q(person=person) | models.Q(person__isnull=True, household_id__in=households)
        )
        .values_list("programme", flat=True)
    )
    return frozenset(tags.values_list("tag", flat=True)) | frozenset(enrolled)


def do_record_cremation(
    actor: User | None,
    *,
    deceased: Person,
    funeral_home: FuneralHome,
    date_of_death: date,
    cremated_on: date,
) -> CremationRecord:
    """The funeral home's record; it waives the basic fee by parameter and reports the death."""
    user = _caseworker(actor)
    Person.objects.get_visible(user, pk=deceased.pk)
    if cremated_on < date_of_death:
        raise ValidationFailed("火化日期不能早于死亡日期", code="bad_date")
    if CremationRecord.objects.filter(deceased=deceased).exists():
        raise ValidationFailed("该逝者已有火化记录", code="duplicate")
    params = civil_parameters(funeral_home.region_id, cremated_on)
    groups, p_groups = params.codes("civil.funeral.waiver_groups")
    cap, p_cap = params.decimal("civil.funeral.basic_fee_waiver_amount")
    waiver = rules.funeral_fee_waiver(
        identities_on(deceased, date_of_death),
        groups,
        cap,
        funeral_home.basic_fee,
        version=p_cap.version_id,
        source=p_groups.source,
        labels=identity_labels(),
    )
    with transaction.atomic():
        record = CremationRecord.objects.create(
            deceased=deceased,
            region_id=deceased.region_id,
            funeral_home=funeral_home,
            date_of_death=date_of_death,
            cremated_on=cremated_on,
            basic_fee=funeral_home.basic_fee,
            waived=waiver.amount,
            waiver_reasons=list(waiver.reasons),
            parameter_versions=[p_groups.version_id, p_cap.version_id],
        )
        audit.record(
            user,
            AuditEvent.Action.CREATE,
            "cremation",
            record.pk,
            summary=f"火化登记{deceased.name}，减免{waiver.amount:.2f}元",
            person_id=deceased.pk,
            region_code=deceased.region_id,
        )
    case = open_after_death_case(deceased, date_of_death, JointCase.Source.FUNERAL, actor=user)
    refresh_case(case)
    return record


def do_record_burial(
    actor: User | None,
    *,
    deceased: Person,
    method: str,
    buried_on: date,
    cemetery: Cemetery | None = None,
    bank_name: str = "",
    account_number: str = "",
) -> Burial:
    """A burial; an eco-burial's subsidy becomes a payment case (maker-checker, next roll)."""
    from minzheng.payments.actions import do_create_temporary_case

    user = _caseworker(actor)
    Person.objects.get_visible(user, pk=deceased.pk)
    if method not in BurialMethod.values:
        raise ValidationFailed("请选择安葬方式", code="bad_method")
    if Burial.objects.filter(deceased=deceased).exists():
        raise ValidationFailed("该逝者已有安葬记录", code="duplicate")
    if method == BurialMethod.TOMB and cemetery is None:
        raise ValidationFailed("墓穴安葬须选择公墓", code="cemetery_required")
    subsidy, versions = Decimal("0.00"), []
    if method in ECO_METHODS:
        if not (bank_name.strip() and account_number.strip()):
            raise ValidationFailed("生态安葬补贴须填写家属开户行和账号", code="account_required")
        amount, p = civil_parameters(deceased.region_id, buried_on).decimal(
            f"civil.eco_burial.subsidy.{method}"
        )
        subsidy, versions = amount.quantize(Decimal("0.01")), [p.version_id]
    with transaction.atomic():
        burial = Burial.objects.create(
            deceased=deceased,
            region_id=deceased.region_id,
            method=method,
            cemetery=cemetery,
            buried_on=buried_on,
            subsidy=subsidy,
            parameter_versions=versions,
        )
        if subsidy > 0:
            payment = do_create_temporary_case(
                user,
                region=deceased.region,
                amount=subsidy,
                reason=f"生态安葬补贴（{BurialMethod(method).label}）：{deceased.name}",
                bank_name=bank_name.strip(),
                account_number=account_number.strip(),
                person=deceased,
            )
            burial.payment_case_id = payment.pk
            burial.save(update_fields=["payment_case_id"])
        audit.record(
            user,
            AuditEvent.Action.CREATE,
            "burial",
            burial.pk,
            summary=f"安葬登记{deceased.name}：{BurialMethod(method).label}，补贴{subsidy:.2f}元",
            person_id=deceased.pk,
            region_code=deceased.region_id,
        )
    case = JointCase.objects.filter(kind=JointCase.Kind.AFTER_DEATH, person=deceased).first()
    if case is not None:
        refresh_case(case)
    return burial


# ── Qingming ─────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class QingmingSlotView:
    slot: str
    label: str
    booked: int
    capacity: int

    @property
    def left(self) -> int:
        return max(self.capacity - self.booked, 0)


def qingming_slots(cemetery: Cemetery, day: date) -> list[QingmingSlotView]:
    capacity, _ = civil_parameters(cemetery.region_id, day).integer("civil.qingming.slot_capacity")
    booked = {
        r["slot"]: r["people"] or 0
        for r in QingmingReservation.objects.filter(cemetery=cemetery, day=day)
        .exclude(status=QingmingReservation.Status.CANCELLED)
        .values("slot")
        .annotate(people=Sum("party_size"), n=Count("id"))
    }
    return [
        QingmingSlotView(s.value, s.label, booked.get(s.value, 0), capacity) for s in QingmingSlot
    ]


def do_reserve_qingming(
    *, cemetery: Cemetery, day: date, slot: str, visitor: Person, party_size: int, today: date
) -> QingmingReservation:
    if slot not in QingmingSlot.values:
        raise ValidationFailed("请选择时段", code="bad_slot")
    if not 1 <= party_size <= MAX_PARTY:
        raise ValidationFailed(f"每次预约人数为1至{MAX_PARTY}人", code="bad_party")
    if day < today:
        raise ValidationFailed("不能预约过去的日期", code="past_day")
    with transaction.atomic():
        Cemetery.objects.select_for_update().get(pk=cemetery.pk)  # capacity check and insert as one
        view = next(v for v in qingming_slots(cemetery, day) if v.slot == slot)
        if QingmingReservation.objects.filter(
            cemetery=cemetery, day=day, visitor=visitor, status=QingmingReservation.Status.BOOKED
        ).exists():
            raise ValidationFailed("您当天已预约该公墓", code="duplicate")
        if view.left < party_size:
            raise ValidationFailed(f"该时段仅剩{view.left}个名额，请选择其他时段", code="slot_full")
        reservation = QingmingReservation.objects.create(
            cemetery=cemetery,
            region_id=cemetery.region_id,
            day=day,
            slot=slot,
            visitor=visitor,
            party_size=party_size,
        )
        audit.record(
            None,
            AuditEvent.Action.CREATE,
            "qingming_reservation",
            reservation.pk,
            summary=f"预约{cemetery.name}{day.isoformat()} {QingmingSlot(slot).label} {party_size}人",
            person_id=visitor.pk,
            region_code=cemetery.region_id,
            actor_name=f"居民{visitor.pk}",
        )
    return reservation


def do_admit(actor: User | None, token: str, *, on: date) -> QingmingReservation:
    """The gate scans the QR code: admitted once, only on the reserved day (county staff)."""
    if actor is None or not (actor.can(Capability.EDIT_CASES) or actor.can(Capability.APPROVE)):
        raise PermissionDenied("您的角色不能核验入园")
    user = actor
    with transaction.atomic():
        reservation = (
            QingmingReservation.objects.visible_to(user)
            .select_for_update()
            .filter(token=token)
            .first()
        )
        if reservation is None:
            raise NotFound("预约码无效")
        if reservation.status != QingmingReservation.Status.BOOKED:
            raise ValidationFailed(f"该预约{reservation.get_status_display()}", code="not_booked")
        if reservation.day != on:
            raise ValidationFailed(
                f"预约日期为{reservation.day.isoformat()}，今日不能入园", code="wrong_day"
            )
        reservation.status = QingmingReservation.Status.ADMITTED
        reservation.admitted_at = timezone.now()
        reservation.save(update_fields=["status", "admitted_at"])
        audit.record(
            user,
            AuditEvent.Action.TRANSITION,
            "qingming_reservation",
            reservation.pk,
            summary="扫码入园",
            region_code=reservation.region_id,
        )
    return reservation


def do_request_memorial(
    *, requester: Person, cemetery: Cemetery, deceased_name: str, message: str
) -> MemorialRequest:
    deceased_name, message = deceased_name.strip(), message.strip()
    if not deceased_name or len(deceased_name) > 60:
        raise ValidationFailed("请填写逝者姓名", code="name_required")
    if not message or len(message) > 300:
        raise ValidationFailed("请填写寄语（不超过300字）", code="message_required")
    with transaction.atomic():
        request = MemorialRequest.objects.create(
            requester=requester,
            region_id=cemetery.region_id,
            cemetery=cemetery,
            deceased_name=deceased_name,
            message=message,
        )
        audit.record(
            None,
            AuditEvent.Action.CREATE,
            "memorial_request",
            request.pk,
            summary=f"网上祭扫：{cemetery.name} {deceased_name}",
            person_id=requester.pk,
            region_code=cemetery.region_id,
            actor_name=f"居民{requester.pk}",
        )
    return request
