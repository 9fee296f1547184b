"""Marriage registration actions: appointments, marriage, divorce through the cooling-off period,
reissue and cancellation. Each `do_*` is one transaction, permission-checked and audited.

Nationwide service (婚姻登记条例, 国务院令第804号, 2025-05-10施行): a registry office registers
any resident who shows an ID card and signs the declaration, whatever their 户籍 — so the parties
are found by ID number, not through the office's region scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Max

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.applications.rules import day_kind
from minzheng.assistance.models import Enrolment
from minzheng.civil import rules
from minzheng.civil.models import (
    AppointmentKind,
    CivilReminder,
    DivorceApplication,
    MaritalStatus,
    MarriageAppointment,
    MarriageRegistration,
    Period,
    PersonMaritalStatus,
    RegistrationKind,
    RegistryOffice,
)
from minzheng.civil.parameter_catalog import civil_parameters
from minzheng.core import audit, idnumber
from minzheng.core.errors import NotFound, PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.pii import ID_NUMBER, blind_index
from minzheng.registry.models import Membership, Person

BOOKING_HORIZON_DAYS = 30  # how far ahead the calendar opens; a display choice, not policy


def require_office_staff(actor: User | None, office: RegistryOffice) -> User:
    """County staff whose scope holds the office: the registry's rows carry the county's code,
    so a township caseworker, who could not read them back, does not register either."""
    if actor is None or not (actor.can(Capability.EDIT_CASES) or actor.can(Capability.APPROVE)):
        raise PermissionDenied("您的角色不能办理婚姻登记")
    if not actor.covers(office.region_id):
        raise PermissionDenied("该婚姻登记处不在您的管辖范围内（婚姻登记由区县登记处人员办理）")
    return actor


def person_by_id_number(raw: str) -> Person:
    number = idnumber.normalize(raw)
    person = Person.objects.filter(id_number_index=blind_index(ID_NUMBER, number)).first()
    if person is None:
        raise NotFound(f"未找到身份证号为{idnumber.mask(number)}的人员，请先在人员库登记")
    return person


# ── appointments ─────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class SlotView:
    day: date
    period: str
    period_label: str
    booked: int
    capacity: int

    @property
    def left(self) -> int:
        return max(self.capacity - self.booked, 0)


def slot_capacity(office: RegistryOffice, day: date) -> int:
    value, _ = civil_parameters(office.region_id, day).integer("civil.marriage.slot_capacity")
    return value


def open_slots(office: RegistryOffice, start: date, days: int = 14) -> list[SlotView]:
    """Working days from `start` (holidays and rest days closed, make-up Saturdays open)."""
    end = start + timedelta(days=days)
    booked = {
        (row["day"], row["period"]): row["n"]
        for row in MarriageAppointment.objects.filter(
            office=office,
            day__gte=start,
            day__lt=end,
            status__in=[MarriageAppointment.Status.BOOKED, MarriageAppointment.Status.ATTENDED],
        )
        .values("day", "period")
        .annotate(n=Count("id"))
    }
    slots = []
    for i in range(days):
        day = start + timedelta(days=i)
        if not day_kind(day).working:
            continue
        capacity = slot_capacity(office, day)
        for period in Period:
            slots.append(
                SlotView(
                    day, period.value, period.label, booked.get((day, period.value), 0), capacity
                )
            )
    return slots


def do_book_appointment(
    *,
    office: RegistryOffice,
    day: date,
    period: str,
    kind: str,
    booker: Person,
    partner_name: str,
    today: date,
    actor: User | None = None,
) -> MarriageAppointment:
    """Book a slot — on the portal (actor None: the signed-in resident) or at the window."""
    if actor is not None:
        require_office_staff(actor, office)
    if kind not in AppointmentKind.values:
        raise ValidationFailed("请选择业务类型", code="bad_kind")
    if period not in Period.values:
        raise ValidationFailed("请选择上午或下午", code="bad_period")
    partner_name = partner_name.strip()
    if not partner_name or len(partner_name) > 60:
        raise ValidationFailed("请填写另一方姓名", code="partner_required")
    if not today < day <= today + timedelta(days=BOOKING_HORIZON_DAYS):
        raise ValidationFailed(
            f"只能预约明天起{BOOKING_HORIZON_DAYS}日内的日期", code="out_of_horizon"
        )
    if not day_kind(day).working:
        raise ValidationFailed(
            f"{day.isoformat()}为法定节假日或休息日，登记处不办公", code="closed"
        )
    with transaction.atomic():
        # The office row is the lock: two bookings of the last place cannot both see it free.
        RegistryOffice.objects.select_for_update().get(pk=office.pk)
        taken = MarriageAppointment.objects.filter(
            office=office,
            day=day,
            period=period,
            status__in=[MarriageAppointment.Status.BOOKED, MarriageAppointment.Status.ATTENDED],
        )
        if taken.filter(booker=booker).exists():
            raise ValidationFailed("您已预约该时段", code="duplicate")
        if taken.count() >= slot_capacity(office, day):
            raise ValidationFailed("该时段预约已满，请选择其他时段", code="slot_full")
        appointment = MarriageAppointment.objects.create(
            office=office,
            region_id=office.region_id,
            day=day,
            period=period,
            kind=kind,
            booker=booker,
            partner_name=partner_name,
            channel=(
                MarriageAppointment.Channel.WINDOW if actor else MarriageAppointment.Channel.PORTAL
            ),
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "marriage_appointment",
            appointment.pk,
            summary=f"预约{office.name}{day.isoformat()}{Period(period).label}"
            f"{AppointmentKind(kind).label}",
            person_id=booker.pk,
            region_code=office.region_id,
            actor_name=None if actor else f"居民{booker.pk}",
        )
    return appointment


def do_cancel_appointment(appointment: MarriageAppointment, booker: Person) -> MarriageAppointment:
    if appointment.booker_id != booker.pk:
        raise NotFound("预约不存在")
    if appointment.status != MarriageAppointment.Status.BOOKED:
        raise ValidationFailed("该预约已办理或已取消", code="not_booked")
    with transaction.atomic():
        appointment.status = MarriageAppointment.Status.CANCELLED
        appointment.save(update_fields=["status"])
        audit.record(
            None,
            AuditEvent.Action.UPDATE,
            "marriage_appointment",
            appointment.pk,
            summary="居民取消婚姻登记预约",
            person_id=booker.pk,
            region_code=appointment.region_id,
            actor_name=f"居民{booker.pk}",
        )
    return appointment


# ── marital status and the re-evaluation it triggers ─────────────────────────────────────────


def marital_status_of(person: Person) -> str:
    record = PersonMaritalStatus.objects.filter(person=person).first()
    return record.status if record else ""


def _set_status(
    actor: User | None, person: Person, status: str, spouse: Person | None, on: date
) -> None:
    record = PersonMaritalStatus.objects.filter(person=person).first()
    before = {
        "status": record.status if record else "",
        "spouse": record.spouse_id if record else None,
    }
    if record is None:
        record = PersonMaritalStatus(person=person, region_id=person.region_id)
    record.status, record.spouse, record.since, record.region_id = (
        status,
        spouse,
        on,
        person.region_id,
    )
    record.save()
    audit.record(
        actor,
        AuditEvent.Action.UPDATE,
        "marital_status",
        person.pk,
        summary=f"{person.name}婚姻状况变更为{MaritalStatus(status).label}",
        before=before,
        after={"status": status, "spouse": spouse.pk if spouse else None},
        person_id=person.pk,
        region_code=person.region_id,
    )


def households_to_reevaluate(persons: list[Person], on: date) -> list[int]:
    """The current households of these persons that receive 低保 (or another benefit) now."""
    households = set(
        Membership.objects.filter(person__in=persons, valid_from__lte=on)
        .exclude(valid_to__lte=on)
        .values_list("household_id", flat=True)
    )
    return sorted(
        set(
            Enrolment.objects.filter(
                household_id__in=households,
                status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.GRADUAL_EXIT],
            ).values_list("household_id", flat=True)
        )
    )


def reevaluate(persons: list[Person], on: date) -> list[int]:
    """Re-run the assistance evaluation for the households concerned — targeted, not a sweep.

    A household the rules cannot evaluate on that day (its head has died and no one has been
    named in their place) is left for its caseworker: the registration of a member's marriage
    does not wait on it."""
    from minzheng.assistance.actions import do_record_decision
    from minzheng.assistance.errors import InvalidHouseholdFacts
    from minzheng.registry.models import Household

    decided = []
    for household in Household.objects.filter(pk__in=households_to_reevaluate(persons, on)):
        try:
            with transaction.atomic():
                do_record_decision(None, household, on)
        except InvalidHouseholdFacts:
            continue
        decided.append(household.pk)
    return decided


# ── registrations ────────────────────────────────────────────────────────────────────────────


def _next_certificate(office: RegistryOffice, kind: str, year: int) -> tuple[str, int]:
    last = MarriageRegistration.objects.filter(office=office, sequence_year=year).aggregate(
        m=Max("sequence")
    )["m"]
    sequence = (last or 0) + 1
    return rules.certificate_number(kind, office.region_id, year, sequence), sequence


def _check_documents(id_cards_checked: bool, declaration_signed: bool) -> None:
    if not id_cards_checked:
        raise ValidationFailed("请查验双方身份证（婚姻登记条例第七条）", code="id_not_checked")
    if not declaration_signed:
        raise ValidationFailed(
            "双方须亲自签署声明（婚姻登记条例，2025年修订）", code="declaration_missing"
        )


def _register(
    actor: User,
    office: RegistryOffice,
    kind: str,
    a: Person,
    b: Person,
    on: date,
    *,
    certificate_kind: str,
    related: MarriageRegistration | None = None,
    reason: str = "",
    appointment: MarriageAppointment | None = None,
) -> MarriageRegistration:
    RegistryOffice.objects.select_for_update().get(pk=office.pk)  # serialises the sequence
    number, sequence = _next_certificate(office, certificate_kind, on.year)
    registration = MarriageRegistration.objects.create(
        kind=kind,
        office=office,
        region_id=office.region_id,
        party_a=a,
        party_b=b,
        registered_on=on,
        certificate_number=number,
        sequence_year=on.year,
        sequence=sequence,
        id_cards_checked=True,
        declaration_signed=True,
        related=related,
        reason=reason[:200],
        appointment=appointment,
        registered_by=actor,
    )
    if appointment is not None:
        appointment.status = MarriageAppointment.Status.ATTENDED
        appointment.save(update_fields=["status"])
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        "marriage_registration",
        registration.pk,
        summary=f"{RegistrationKind(kind).label} {a.name}、{b.name} 证号{number}",
        after={"certificate_number": number, "on": on},
        person_id=a.pk,
        region_code=office.region_id,
    )
    return registration


def do_register_marriage(
    actor: User | None,
    *,
    office: RegistryOffice,
    party_a: Person,
    party_b: Person,
    on: date,
    id_cards_checked: bool,
    declaration_signed: bool,
    appointment: MarriageAppointment | None = None,
) -> MarriageRegistration:
    user = require_office_staff(actor, office)
    _check_documents(id_cards_checked, declaration_signed)
    params = civil_parameters(office.region_id, on)
    male_age, _ = params.integer("civil.marriage.min_age_male")
    female_age, _ = params.integer("civil.marriage.min_age_female")
    parties = [
        rules.Party(p.name, p.sex, p.birth_date, marital_status_of(p) == MaritalStatus.MARRIED)
        for p in (party_a, party_b)
    ]
    decision = rules.marriage_check(
        parties[0], parties[1], on, min_age_male=male_age, min_age_female=female_age
    )
    if not decision.allowed:
        raise ValidationFailed("；".join(decision.reasons), code=decision.code)
    for p in (party_a, party_b):
        if p.date_of_death is not None:
            raise ValidationFailed(f"{p.name}已登记死亡", code="deceased")
    with transaction.atomic():
        registration = _register(
            user,
            office,
            RegistrationKind.MARRIAGE,
            party_a,
            party_b,
            on,
            certificate_kind="marriage",
            appointment=appointment,
        )
        _set_status(user, party_a, MaritalStatus.MARRIED, party_b, on)
        _set_status(user, party_b, MaritalStatus.MARRIED, party_a, on)
        reevaluate([party_a, party_b], on)
    return registration


def current_marriage(person: Person) -> MarriageRegistration | None:
    record = PersonMaritalStatus.objects.filter(person=person).first()
    if record is None or record.status != MaritalStatus.MARRIED:
        return None
    return (
        MarriageRegistration.objects.filter(kind=RegistrationKind.MARRIAGE)
        .filter(
            party_a__in=[person.pk, record.spouse_id], party_b__in=[person.pk, record.spouse_id]
        )
        .order_by("-registered_on", "-pk")
        .first()
    )


def timeline_of(application: DivorceApplication) -> rules.DivorceTimeline:
    params = civil_parameters(application.region_id, application.received_on)
    cooling, _ = params.integer("civil.divorce.cooling_off_days")
    window, _ = params.integer("civil.divorce.certificate_window_days")
    return rules.divorce_timeline(application.received_on, cooling, window)


def do_receive_divorce_application(
    actor: User | None,
    *,
    office: RegistryOffice,
    marriage: MarriageRegistration,
    on: date,
    id_cards_checked: bool,
    declaration_signed: bool,
) -> DivorceApplication:
    """Both parties apply in person; the cooling-off period starts the next day (art. 201)."""
    user = require_office_staff(actor, office)
    _check_documents(id_cards_checked, declaration_signed)
    if marriage.kind != RegistrationKind.MARRIAGE or current_marriage(marriage.party_a) != marriage:
        raise ValidationFailed("该婚姻登记不是双方现存的婚姻关系", code="not_married")
    if DivorceApplication.objects.filter(
        marriage=marriage, status=DivorceApplication.Status.PENDING
    ).exists():
        raise ValidationFailed("双方已有办理中的离婚登记申请", code="pending_exists")
    params = civil_parameters(office.region_id, on)
    cooling, p1 = params.integer("civil.divorce.cooling_off_days")
    window, p2 = params.integer("civil.divorce.certificate_window_days")
    timeline = rules.divorce_timeline(on, cooling, window)
    with transaction.atomic():
        application = DivorceApplication.objects.create(
            office=office,
            region_id=office.region_id,
            marriage=marriage,
            party_a=marriage.party_a,
            party_b=marriage.party_b,
            received_on=on,
            cooling_off_last_day=timeline.cooling_off_last_day,
            certificate_last_day=timeline.certificate_last_day,
            parameter_versions=[p1.version_id, p2.version_id],
            created_by=user,
        )
        audit.record(
            user,
            AuditEvent.Action.CREATE,
            "divorce_application",
            application.pk,
            summary=f"受理离婚登记申请，冷静期至{timeline.cooling_off_last_day.isoformat()}，"
            f"申领离婚证期限至{timeline.certificate_last_day.isoformat()}",
            after={"reasons": [*timeline.cooling_off.reasons, *timeline.certificate.reasons]},
            person_id=marriage.party_a_id,
            region_code=office.region_id,
        )
    return application


def _pending(application: DivorceApplication) -> DivorceApplication:
    locked = DivorceApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != DivorceApplication.Status.PENDING:
        raise ValidationFailed(
            f"该申请已{locked.get_status_display()}，不能再办理", code="not_pending"
        )
    return locked


def do_withdraw_divorce(
    actor: User | None, application: DivorceApplication, *, party: Person, on: date
) -> DivorceApplication:
    """Either party, alone, may withdraw within the cooling-off period (art. 1077 ¶1)."""
    user = require_office_staff(actor, application.office)
    if party.pk not in (application.party_a_id, application.party_b_id):
        raise ValidationFailed("撤回人须为离婚登记申请的一方", code="not_a_party")
    decision = rules.may_withdraw(timeline_of(application), on)
    if not decision.allowed:
        raise ValidationFailed("；".join(decision.reasons), code=decision.code)
    with transaction.atomic():
        locked = _pending(application)
        locked.status = DivorceApplication.Status.WITHDRAWN
        locked.withdrawn_by = party
        locked.closed_on = on
        locked.save(update_fields=["status", "withdrawn_by", "closed_on"])
        audit.record(
            user,
            AuditEvent.Action.TRANSITION,
            "divorce_application",
            locked.pk,
            summary=f"{party.name}撤回离婚登记申请：{decision.reasons[0]}",
            person_id=party.pk,
            region_code=locked.region_id,
        )
    return locked


def do_issue_divorce_certificate(
    actor: User | None,
    application: DivorceApplication,
    *,
    on: date,
    both_present: bool,
    id_cards_checked: bool,
    declaration_signed: bool,
) -> MarriageRegistration:
    """Both come in the second window: the divorce is registered and the certificate issued."""
    user = require_office_staff(actor, application.office)
    _check_documents(id_cards_checked, declaration_signed)
    decision = rules.may_issue_certificate(timeline_of(application), on, both_present)
    if not decision.allowed:
        raise ValidationFailed("；".join(decision.reasons), code=decision.code)
    with transaction.atomic():
        locked = _pending(application)
        a, b = locked.party_a, locked.party_b
        registration = _register(
            user,
            locked.office,
            RegistrationKind.DIVORCE,
            a,
            b,
            on,
            certificate_kind="divorce",
            related=locked.marriage,
        )
        locked.status = DivorceApplication.Status.REGISTERED
        locked.registration = registration
        locked.closed_on = on
        locked.save(update_fields=["status", "registration", "closed_on"])
        _set_status(user, a, MaritalStatus.DIVORCED, None, on)
        _set_status(user, b, MaritalStatus.DIVORCED, None, on)
        reevaluate([a, b], on)
    return registration


def do_close_expired_divorces(on: date) -> int:
    """The daily job: applications nobody came to finish are deemed withdrawn (art. 1077 ¶2)."""
    closed = 0
    for application in DivorceApplication.objects.filter(
        status=DivorceApplication.Status.PENDING, certificate_last_day__lt=on
    ):
        if timeline_of(application).stage(on) is not rules.DivorceStage.DEEMED_WITHDRAWN:
            continue
        with transaction.atomic():
            locked = _pending(application)
            locked.status = DivorceApplication.Status.DEEMED_WITHDRAWN
            locked.closed_on = locked.certificate_last_day + timedelta(days=1)
            locked.save(update_fields=["status", "closed_on"])
            audit.record(
                None,
                AuditEvent.Action.TRANSITION,
                "divorce_application",
                locked.pk,
                summary=f"逾期未申请发给离婚证（期限{locked.certificate_last_day.isoformat()}），"
                "视为撤回",
                region_code=locked.region_id,
            )
        closed += 1
    return closed


def do_send_divorce_reminders(on: date) -> int:
    """Remind both parties before each window closes; each reminder is sent once (unique key)."""
    from minzheng.applications.sms import gateway

    sent = 0
    for application in DivorceApplication.objects.filter(
        status=DivorceApplication.Status.PENDING
    ).select_related("party_a", "party_b"):
        days, _ = civil_parameters(application.region_id, on).integer(
            "civil.divorce.reminder_days_before"
        )
        due: list[tuple[str, str]] = []
        if (
            application.cooling_off_last_day - timedelta(days=days)
            <= on
            <= application.cooling_off_last_day
        ):
            due.append(
                (
                    "cooling",
                    f"您的离婚冷静期将于{application.cooling_off_last_day.isoformat()}届满，"
                    f"届满后请双方于{application.certificate_last_day.isoformat()}前亲自申领离婚证",
                )
            )
        if (
            application.certificate_last_day - timedelta(days=days)
            <= on
            <= application.certificate_last_day
        ):
            due.append(
                (
                    "window",
                    f"请双方于{application.certificate_last_day.isoformat()}前亲自到婚姻登记处"
                    "申领离婚证，逾期视为撤回离婚登记申请",
                )
            )
        for step, body in due:
            for person in (application.party_a, application.party_b):
                key = f"divorce:{application.pk}:{step}:{person.pk}"
                with transaction.atomic():
                    _, created = CivilReminder.objects.get_or_create(
                        key=key,
                        defaults={
                            "region_id": application.region_id,
                            "person": person,
                            "body": body,
                            "sent_on": on,
                        },
                    )
                    if created:
                        gateway().send(person, body)
                        sent += 1
    return sent


def do_reissue_certificate(
    actor: User | None,
    registration: MarriageRegistration,
    *,
    on: date,
    id_cards_checked: bool,
    declaration_signed: bool,
    reason: str,
) -> MarriageRegistration:
    """A lost certificate is reissued under a new number, linked to the original registration."""
    user = require_office_staff(actor, registration.office)
    _check_documents(id_cards_checked, declaration_signed)
    if registration.kind not in (RegistrationKind.MARRIAGE, RegistrationKind.DIVORCE):
        raise ValidationFailed("只能补领结婚证或离婚证", code="bad_kind")
    if not reason.strip():
        raise ValidationFailed("请填写补领事由", code="reason_required")
    letter = "reissue" if registration.kind == RegistrationKind.MARRIAGE else "reissue_divorce"
    with transaction.atomic():
        return _register(
            user,
            registration.office,
            RegistrationKind.REISSUE,
            registration.party_a,
            registration.party_b,
            on,
            certificate_kind=letter,
            related=registration,
            reason=reason.strip(),
        )


def do_cancel_marriage(
    actor: User | None, registration: MarriageRegistration, *, on: date, reason: str
) -> MarriageRegistration:
    """Record the revocation of a marriage (with the judgment or decision cited in `reason`).

    A revoked marriage is void from the start (民法典第1054条): both parties return to unmarried.
    """
    user = require_office_staff(actor, registration.office)
    if registration.kind != RegistrationKind.MARRIAGE:
        raise ValidationFailed("只能撤销结婚登记", code="bad_kind")
    if not reason.strip():
        raise ValidationFailed("请填写撤销依据（法院判决书文号等）", code="reason_required")
    if MarriageRegistration.objects.filter(
        related=registration, kind=RegistrationKind.CANCELLATION
    ).exists():
        raise ValidationFailed("该婚姻登记已撤销", code="already_cancelled")
    with transaction.atomic():
        RegistryOffice.objects.select_for_update().get(pk=registration.office_id)
        cancellation = MarriageRegistration.objects.create(
            kind=RegistrationKind.CANCELLATION,
            office=registration.office,
            region_id=registration.region_id,
            party_a=registration.party_a,
            party_b=registration.party_b,
            registered_on=on,
            related=registration,
            reason=reason.strip()[:200],
            registered_by=user,
        )
        audit.record(
            user,
            AuditEvent.Action.CREATE,
            "marriage_registration",
            cancellation.pk,
            summary=f"撤销婚姻登记{registration.certificate_number}：{reason.strip()[:100]}",
            person_id=registration.party_a_id,
            region_code=registration.region_id,
        )
        for p in (registration.party_a, registration.party_b):
            _set_status(user, p, MaritalStatus.UNMARRIED, None, on)
        reevaluate([registration.party_a, registration.party_b], on)
    return cancellation
