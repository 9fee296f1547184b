"""State changes of 流浪乞讨人员救助: intake at the station, the identity confirmed, what the station
did (meals, medical referral, family tracing), an extension of the limit, and the end of the stay
(escorted return, long-stay placement, leaving). Each is one transaction with an audit event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.assistance.queries import parameter_set
from minzheng.core import audit, clock
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.regioncode import county_of
from minzheng.registry.models import Person, Sex
from minzheng.rescue import rules
from minzheng.rescue.identity import IdentityResult, find_identity
from minzheng.rescue.models import BroughtBy, CareRecord, Station, Stay

K = CareRecord.Kind
S = Stay.Status


def _require_staff(actor: User) -> None:
    if not (actor.can(Capability.EDIT_CASES) or actor.can(Capability.APPROVE)):
        raise PermissionDenied("您的角色无权办理救助站业务")


def _text(value: str, label: str, limit: int, *, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise ValidationFailed(f"请填写{label}", code="missing")
    if len(value) > limit:
        raise ValidationFailed(f"{label}不能超过{limit}字", code="too_long")
    return value


def _day(day: date, stay: Stay | None = None) -> date:
    if day > clock.today():
        raise ValidationFailed("日期不能晚于今天", code="future_date")
    if stay is not None and day < stay.admitted_on:
        raise ValidationFailed("日期不能早于入站日期", code="before_intake")
    return day


def _record(actor: User, stay: Stay, kind: str, day: date, note: str) -> CareRecord:
    return CareRecord.objects.create(
        stay=stay, region_id=stay.region_id, kind=kind, day=day, note=note, recorded_by=actor
    )


def _audit(actor: User, stay: Stay, summary: str, action: str = AuditEvent.Action.UPDATE) -> None:
    audit.record(
        actor,
        action,
        "rescue_stay",
        stay.pk,
        summary=summary,
        person_id=stay.person_id,
        region_code=stay.region_id,
    )


@dataclass(frozen=True)
class Intake:
    stay: Stay
    identity: IdentityResult


def do_admit(
    actor: User,
    station: Station,
    *,
    name: str,
    sex: str,
    birth_date: date | None,
    id_number: str,
    description: str,
    found_at: str,
    brought_by: str,
    brought_by_note: str,
    admitted_on: date,
) -> Intake:
    """Take a person in. Their identity is looked up in the registry; one clear match links them,
    several wait for a caseworker to choose. The limit is the parameter in force on the day."""
    _require_staff(actor)
    station = Station.objects.get_visible(actor, pk=station.pk)
    name = name.strip()
    unknown = not name
    if len(name) > 60:
        raise ValidationFailed("姓名不能超过60字", code="too_long")
    if sex and sex not in Sex.values:
        raise ValidationFailed("性别不正确", code="bad_sex")
    if brought_by not in BroughtBy.values:
        raise ValidationFailed("请选择来站方式", code="bad_brought_by")
    found_at = _text(found_at, "发现地点", 200)
    description = _text(description, "体貌特征与情况", 500, required=unknown)
    brought_by_note = _text(brought_by_note, "护送单位或引导人", 100, required=False)
    _day(admitted_on)
    if birth_date is not None and birth_date > admitted_on:
        raise ValidationFailed("出生日期不能晚于入站日期", code="bad_birth_date")
    identity = find_identity(
        name=name, birth_date=birth_date, id_number=id_number, today=clock.today()
    )
    params = parameter_set(county_of(station.region_id), admitted_on)
    days, version = params.integer("rescue.stay_limit_days")
    limit = rules.stay_limit(admitted_on, days)
    person = Person.objects.get(pk=identity.found.person_id) if identity.found else None
    with transaction.atomic():
        stay = Stay.objects.create(
            station=station,
            region_id=station.region_id,
            person=person,
            name=person.name if person else (name or "无名氏"),
            name_unknown=unknown and person is None,
            sex=sex or (person.sex if person else ""),
            birth_date=birth_date or (person.birth_date if person else None),
            description=description,
            found_at=found_at,
            brought_by=brought_by,
            brought_by_note=brought_by_note,
            identity_note=identity.note,
            admitted_on=admitted_on,
            due_on=limit.due_on,
            limit_days=days,
            limit_version=version.version_id,
            created_by=actor,
        )
        if person is not None:
            _record(actor, stay, K.IDENTITY, admitted_on, identity.note)
        _audit(actor, stay, f"入站：{stay.name}，{limit.reason}", AuditEvent.Action.CREATE)
    return Intake(stay, identity)


def _locked(actor: User, stay: Stay, *, open_only: bool = True) -> Stay:
    _require_staff(actor)
    locked = Stay.objects.select_for_update().get_visible(actor, pk=stay.pk)
    if open_only and locked.status != S.IN_CARE:
        raise ValidationFailed("该受助人员已离站", code="stay_ended")
    return locked


def do_confirm_identity(actor: User, stay: Stay, person: Person) -> Stay:
    """A caseworker picks the registry person a stay is (from the candidates, or a family's word)."""
    with transaction.atomic():
        locked = _locked(actor, stay, open_only=False)
        before = {"name": locked.name}
        locked.person, locked.name, locked.name_unknown = person, person.name, False
        locked.birth_date = locked.birth_date or person.birth_date
        locked.sex = locked.sex or person.sex
        locked.identity_note = f"人工确认：{person.name}（{person.id_number_masked}）"
        locked.save(
            update_fields=["person", "name", "name_unknown", "birth_date", "sex", "identity_note"]
        )
        _record(actor, locked, K.IDENTITY, clock.today(), locked.identity_note)
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "rescue_stay",
            locked.pk,
            summary="确认身份",
            before=before,
            after={"name": person.name},
            person_id=person.pk,
            region_code=locked.region_id,
        )
    return locked


CARE_KINDS = (K.MEAL, K.MEDICAL, K.TRACING)


def do_record_care(actor: User, stay: Stay, *, kind: str, day: date, note: str) -> CareRecord:
    """A meal, a medical referral or a step of family tracing (国务院令第381号第七条)."""
    if kind not in CARE_KINDS:
        raise ValidationFailed("请选择记录类别", code="bad_kind")
    note = _text(note, "情况", 300)
    with transaction.atomic():
        locked = _locked(actor, stay)
        _day(day, locked)
        record = _record(actor, locked, kind, day, note)
        _audit(actor, locked, f"{K(kind).label}：{note}")
    return record


def do_extend(actor: User, stay: Stay, *, days: int, reason: str) -> Stay:
    """An extension for a special reason, filed with the higher bureau (细则: 报上级民政主管部门备案)."""
    reason = _text(reason, "延长原因及备案情况", 300)
    with transaction.atomic():
        locked = _locked(actor, stay)
        params = parameter_set(county_of(locked.region_id), clock.today())
        top, _ = params.integer("rescue.extension_max_days")
        if days < 1 or days > top:
            raise ValidationFailed(f"延长天数应为1至{top}天", code="bad_days")
        before = {"date": locked.due_on.isoformat()}
        locked.due_on = locked.due_on + timedelta(days=days)
        locked.extended = True
        locked.save(update_fields=["due_on", "extended"])
        _record(
            actor, locked, K.EXTENSION, clock.today(), f"延长{days}天至{locked.due_on}：{reason}"
        )
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "rescue_stay",
            locked.pk,
            summary=f"延长救助期限{days}天",
            before=before,
            after={"date": locked.due_on.isoformat()},
            person_id=locked.person_id,
            region_code=locked.region_id,
        )
    return locked


def _end(actor: User, stay: Stay, status: str, day: date, note: str, **fields: str) -> Stay:
    with transaction.atomic():
        locked = _locked(actor, stay)
        _day(day, locked)
        locked.status, locked.ended_on = status, day
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.save(update_fields=["status", "ended_on", *fields])
        kind = {S.RETURNED: K.RETURN, S.PLACED: K.PLACEMENT, S.LEFT: K.LEAVE}[S(status)]
        _record(actor, locked, kind, day, note)
        _audit(actor, locked, f"{S(status).label}：{note}")
    return locked


def do_return_home(
    actor: User, stay: Stay, *, destination: str, handed_over_to: str, day: date
) -> Stay:
    """Escorted return (护送返乡): where to, and whom the person was handed over to (国务院令第381号
    第十一条: 亲属或者所在单位领回, or the home government's agency)."""
    destination = _text(destination, "返乡目的地", 200)
    handed_over_to = _text(handed_over_to, "交接对象", 100)
    return _end(
        actor,
        stay,
        S.RETURNED,
        day,
        f"护送至{destination}，交接{handed_over_to}",
        destination=destination,
        handed_over_to=handed_over_to,
    )


def do_place(actor: User, stay: Stay, *, placement: str, day: date) -> Stay:
    """Long-stay placement (长期滞留人员安置) in a welfare or care institution."""
    placement = _text(placement, "安置机构", 100)
    return _end(actor, stay, S.PLACED, day, f"安置于{placement}", placement=placement)


def do_leave(actor: User, stay: Stay, *, day: date, note: str) -> Stay:
    """The person leaves on their own (the station may not hold them, 第十一条)."""
    return _end(actor, stay, S.LEFT, day, _text(note, "离站情况", 300))
