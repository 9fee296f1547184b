"""State changes in the registry. Each is one transaction and writes the audit trail."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.permissions import require
from minzheng.accounts.roles import Capability
from minzheng.core import audit, clock
from minzheng.core.errors import NotFound, PermissionDenied, ValidationFailed
from minzheng.core.idnumber import parse as parse_id_number
from minzheng.core.models import AuditEvent
from minzheng.core.pii import ID_NUMBER, blind_index
from minzheng.regions.models import Region
from minzheng.registry import changes, history
from minzheng.registry.models import (
    ChangeRequest,
    DisabilityCategory,
    Household,
    HukouType,
    IdentityTag,
    LabourCapacity,
    Person,
)

REVEALABLE = {"id_number": "身份证号", "phone": "手机号"}


def do_reveal_personal_data(
    actor: User, person: Person, field: str, request: HttpRequest | None = None
) -> str:
    """Show a full ID or phone number to a role that may see it, and audit that it was seen."""
    if field not in REVEALABLE:
        raise ValidationFailed(f"不能查看该字段：{field}", code="unknown_field")
    if not actor.can(Capability.VIEW_PII):
        raise PermissionDenied("您的角色只能查看脱敏信息")
    value = person.id_number_plain() if field == "id_number" else person.phone_plain()
    with transaction.atomic():
        audit.record(
            actor,
            AuditEvent.Action.VIEW_PII,
            "person",
            person.pk,
            person_id=person.pk,
            region_code=person.region_id,
            summary=f"查看{person.name}的{REVEALABLE[field]}明文",
            request=request,
        )
    return value


# ---- person attributes -------------------------------------------------------------------------

EDITABLE_PERSON_FIELDS = {
    "name": "姓名",
    "hukou_region": "户籍地区划",
    "hukou_type": "户口性质",
    "address": "地址",
    "phone": "手机号",
    "disability_category": "残疾类别",
    "disability_grade": "残疾等级",
    "serious_illnesses": "重特大疾病",
    "labour_capacity": "劳动能力",
    "date_of_death": "死亡日期",
}


def _choice(value: Any, choices: type[models.TextChoices], label: str) -> str:
    if value in ("", None):
        return ""
    if value not in choices.values:
        raise ValidationFailed(f"{label}无效：{value}", code="bad_field")
    return str(value)


def _day(value: Any, label: str) -> date | None:
    if value in ("", None):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationFailed(f"{label}格式应为YYYY-MM-DD：{value}", code="bad_date") from exc


def _apply_person_changes(person: Person, changes: dict[str, Any], today: date) -> list[str]:
    """Validate every field first, then set them; returns the model fields to save."""
    unknown = set(changes) - set(EDITABLE_PERSON_FIELDS)
    if unknown:
        raise ValidationFailed(
            f"不能修改的字段：{'、'.join(sorted(unknown))}", code="unknown_field"
        )
    values: dict[str, Any] = {}
    if "name" in changes:
        name = str(changes["name"] or "").strip()
        if not name or len(name) > 60:
            raise ValidationFailed("姓名不能为空，且不超过60个字", code="bad_name")
        values["name"] = name
    if "hukou_region" in changes:
        code = str(changes["hukou_region"] or "").strip()
        if code and not Region.objects.filter(code=code).exists():
            raise ValidationFailed(f"户籍地区划代码不存在：{code}", code="unknown_region")
        values["hukou_region_id"] = code or None
    if "hukou_type" in changes:
        values["hukou_type"] = _choice(changes["hukou_type"], HukouType, "户口性质")
    if "address" in changes:
        values["address"] = str(changes["address"] or "").strip()[:200]
    if "disability_category" in changes:
        values["disability_category"] = _choice(
            changes["disability_category"], DisabilityCategory, "残疾类别"
        )
    if "disability_grade" in changes:
        grade = changes["disability_grade"]
        if grade in ("", None):
            values["disability_grade"] = None
        elif str(grade) in {"1", "2", "3", "4"}:
            values["disability_grade"] = int(str(grade))
        else:
            raise ValidationFailed(f"残疾等级应为1至4级：{grade}", code="bad_field")
    category = values.get("disability_category", person.disability_category)
    grade_value = values.get("disability_grade", person.disability_grade)
    if bool(category) != (grade_value is not None):
        raise ValidationFailed("残疾类别和残疾等级须同时填写或同时留空", code="bad_field")
    if "serious_illnesses" in changes:
        raw = changes["serious_illnesses"] or []
        items = raw if isinstance(raw, list) else str(raw).replace("，", ",").split(",")
        values["serious_illnesses"] = [str(i).strip() for i in items if str(i).strip()]
    if "labour_capacity" in changes:
        values["labour_capacity"] = _choice(changes["labour_capacity"], LabourCapacity, "劳动能力")
    if "date_of_death" in changes:
        died = _day(changes["date_of_death"], "死亡日期")
        if died is not None and (died > today or (person.birth_date and died < person.birth_date)):
            raise ValidationFailed("死亡日期不能晚于今天，也不能早于出生日期", code="bad_date")
        values["date_of_death"] = died
    fields = list(values)
    for name, value in values.items():
        setattr(person, name, value)
    if "phone" in changes:
        phone = str(changes["phone"] or "").strip()
        if phone and not (phone.isascii() and phone.isdigit() and len(phone) == 11):
            raise ValidationFailed("手机号应为11位数字", code="bad_phone")
        if phone != person.phone_plain():
            person.set_phone(phone)
            fields += ["phone_cipher", "phone_index", "phone_masked"]
    return fields


def do_update_person(
    actor: User, person_id: int, changes: dict[str, Any], request: HttpRequest | None = None
) -> Person:
    """Edit a person's attributes; writes a version and an audit event with before → after."""
    require(actor, Capability.EDIT_CASES, message="您的角色不能修改人员信息")
    with transaction.atomic():
        # Locked so two edits of one person cannot both read the same "before".
        person = (
            Person.objects.visible_to(actor).select_for_update().get_visible(actor, pk=person_id)
        )
        before = history.snapshot(person)
        fields = _apply_person_changes(person, changes, timezone.localdate())
        after = history.snapshot(person)
        if after == before:
            raise ValidationFailed("没有需要保存的修改", code="no_change")
        person.save(update_fields=[*fields, "updated_at"])
        if "name" in fields:
            # 救助申请查询 searches the name copied onto each case (applications.Application).
            from minzheng.applications.models import Application

            Application.objects.filter(applicant=person).update(applicant_name=person.name)
            # 家庭户 searches the head's name copied onto the household (Household.head_name).
            Household.objects.filter(head=person).update(head_name=person.name)
        old, new = audit.changes(before, after)
        history.write_version(
            person, before=before, actor=actor, at=timezone.now(), summary="修改人员信息"
        )
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "person",
            person.pk,
            person_id=person.pk,
            region_code=person.region_id,
            summary=f"修改{person.name}的{'、'.join(sorted(old))}",
            before=old,
            after=new,
            request=request,
        )
    return person


def do_record_death(actor: User | None, person: Person, died: date, *, source: str) -> bool:
    """A death reported by a department (公安, 殡葬): set the date, with a version and an audit event.

    `actor` is None for the monitor run. Returns False when the same date was already recorded;
    an earlier recorded date is kept. Payments stop from the month after and months paid after
    the death become overpayments in the next roll (payments.jobs).
    """
    if actor is not None:
        require(actor, Capability.EDIT_CASES, message="您的角色不能修改人员信息")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.date_of_death is not None and locked.date_of_death <= died:
            return False
        before = history.snapshot(locked)
        locked.date_of_death = died
        locked.save(update_fields=["date_of_death", "updated_at"])
        history.write_version(
            locked, before=before, actor=actor, at=timezone.now(), summary=f"{source}：死亡"
        )
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "person",
            locked.pk,
            person_id=locked.pk,
            region_code=locked.region_id,
            summary=f"{source}报送{locked.name}死亡（{died.isoformat()}）",
            before={"date_of_death": before.get("date_of_death")},
            after={"date_of_death": died},
        )
    person.date_of_death = died
    return True


def do_register_person(
    actor: User,
    household: Household,
    *,
    name: str,
    id_number: str,
    phone: str = "",
    request: HttpRequest | None = None,
) -> Person:
    """A person new to the registry (a newborn, someone moving in), living at `household`.

    A number already registered within scope returns that person; elsewhere it is refused.
    """
    require(actor, Capability.EDIT_CASES, message="您的角色不能登记人员")
    name = name.strip()
    if not name or len(name) > 60:
        raise ValidationFailed("姓名不能为空，且不超过60个字", code="bad_name")
    checked = parse_id_number(id_number, today=timezone.localdate()).require_valid()
    phone = phone.strip()
    if phone and not (phone.isascii() and phone.isdigit() and len(phone) == 11):
        raise ValidationFailed("手机号应为11位数字", code="bad_phone")
    index = blind_index(ID_NUMBER, checked.normalized)
    with transaction.atomic():
        existing = Person.objects.filter(id_number_index=index).first()
        if existing is not None:
            if Person.objects.visible_to(actor).filter(pk=existing.pk).exists():
                return existing
            raise ValidationFailed(
                "该身份证号不能在此登记：请核对号码；确属本辖区居民的，请联系县级审批员",
                code="registered_elsewhere",
            )
        person = Person(
            name=name,
            sex=checked.sex or "",
            birth_date=checked.birth_date,
            region_id=household.region_id,
            hukou_region=None,
            address=household.address,
        )
        person.set_id_number(checked.normalized)
        person.set_phone(phone)
        person.save()
        history.write_version(
            person, before=None, actor=actor, at=timezone.now(), summary="登记人员"
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "person",
            person.pk,
            person_id=person.pk,
            region_code=person.region_id,
            summary=f"登记人员{person.name}",
            after=history.snapshot(person),
            request=request,
        )
    return person


# ---- identity tags -----------------------------------------------------------------------------


def do_add_identity_tag(
    actor: User,
    person_id: int,
    *,
    tag: str,
    source: str,
    valid_from: date | str,
    request: HttpRequest | None = None,
) -> IdentityTag:
    require(actor, Capability.EDIT_CASES, message="您的角色不能维护身份标签")
    if tag not in IdentityTag.Tag.values:
        raise ValidationFailed(f"身份类型无效：{tag}", code="bad_tag")
    source = source.strip()
    if not source:
        raise ValidationFailed("请填写身份来源（如认定文书或部门）", code="missing_field")
    start = _day(valid_from, "起始日期")
    if start is None:
        raise ValidationFailed("请填写起始日期", code="missing_field")
    with transaction.atomic():
        person = (
            Person.objects.visible_to(actor).select_for_update().get_visible(actor, pk=person_id)
        )
        if person.identity_tags.filter(tag=tag, valid_to__isnull=True).exists():
            label = IdentityTag.Tag(tag).label
            raise ValidationFailed(f"{person.name}已有有效的“{label}”身份", code="tag_exists")
        identity = IdentityTag.objects.create(
            person=person, tag=tag, source=source[:60], valid_from=start, region=person.region
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "identity_tag",
            identity.pk,
            person_id=person.pk,
            region_code=person.region_id,
            summary=f"为{person.name}添加身份“{identity.get_tag_display()}”",
            after={"tag": tag, "source": identity.source, "valid_from": start},
            request=request,
        )
    return identity


def do_end_identity_tag(
    actor: User, tag_id: int, *, valid_to: date | str, request: HttpRequest | None = None
) -> IdentityTag:
    require(actor, Capability.EDIT_CASES, message="您的角色不能维护身份标签")
    end = _day(valid_to, "终止日期")
    if end is None:
        raise ValidationFailed("请填写终止日期", code="missing_field")
    with transaction.atomic():
        identity = (
            IdentityTag.objects.visible_to(actor).select_for_update().get_visible(actor, pk=tag_id)
        )
        if identity.valid_to is not None:
            raise ValidationFailed("该身份已经终止", code="tag_ended")
        if end < identity.valid_from:
            raise ValidationFailed("终止日期不能早于起始日期", code="bad_date")
        identity.valid_to = end
        identity.save(update_fields=["valid_to"])
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "identity_tag",
            identity.pk,
            person_id=identity.person_id,
            region_code=identity.region_id,
            summary=f"终止身份“{identity.get_tag_display()}”",
            before={"valid_to": None},
            after={"valid_to": end},
            request=request,
        )
    return identity


# ---- change requests ---------------------------------------------------------------------------


def _household_state(household: Household) -> dict[str, Any]:
    members = changes.current_members(household)
    return {
        **history.snapshot(household),
        "members": {str(pid): m.relationship for pid, m in sorted(members.items())},
    }


def do_submit_change_request(
    actor: User,
    *,
    kind: str,
    household_id: int,
    payload: dict[str, Any],
    reason: str,
    request: HttpRequest | None = None,
) -> ChangeRequest:
    """A caseworker asks for a household change; nothing changes until a reviewer approves."""
    require(actor, Capability.EDIT_CASES, message="您的角色不能提交家庭变更申请")
    if kind not in ChangeRequest.Kind.values:
        raise ValidationFailed(f"不支持的变更类型：{kind}", code="unknown_kind")
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("请填写申请理由", code="missing_reason")
    with transaction.atomic():
        household = Household.objects.get_visible(actor, pk=household_id)
        other = None
        other_key = changes.OTHER_HOUSEHOLD_KEY.get(ChangeRequest.Kind(kind))
        if other_key is not None and payload.get(other_key) not in (None, ""):
            other_id = changes.id_field(payload, other_key, "另一家庭户编号")
            other = Household.objects.get_visible(actor, pk=other_id)
        if kind == ChangeRequest.Kind.ADD_MEMBER and payload.get("person_id") in (None, ""):
            person = do_register_person(
                actor,
                household,
                name=str(payload.get("name") or ""),
                id_number=str(payload.get("id_number") or ""),
                phone=str(payload.get("phone") or ""),
                request=request,
            )
            payload = {**payload, "person_id": person.pk}
        elif kind == ChangeRequest.Kind.ADD_MEMBER:
            Person.objects.get_visible(actor, pk=changes.id_field(payload, "person_id", "人员编号"))
        normalized = changes.check(kind, household, other, payload)
        change = ChangeRequest.objects.create(
            kind=kind,
            household=household,
            other_household=other,
            region_id=household.region_id,
            payload=normalized,
            household_revision=household.revision,
            other_household_revision=other.revision if other else None,
            reason=reason[:300],
            submitted_by=actor,
        )
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            "change_request",
            change.pk,
            region_code=change.region_id,
            summary=f"提交{change.get_kind_display()}申请：{household}",
            before=_household_state(household),
            after={"kind": kind, "payload": normalized, "status": change.status},
            request=request,
        )
    return change


def _pending_for_review(actor: User, change_id: int) -> ChangeRequest:
    require(actor, Capability.APPROVE, message="只有县级审核审批员可以审核家庭变更申请")
    change = ChangeRequest.objects.select_for_update().get_visible(actor, pk=change_id)
    if change.submitted_by_id == actor.pk:
        raise PermissionDenied("不能审核自己提交的申请", code="self_review")
    if change.status != ChangeRequest.Status.PENDING:
        raise ValidationFailed(
            f"该申请的状态为“{change.get_status_display()}”，不能重复审核",
            code="already_reviewed",
        )
    return change


def do_approve_change_request(
    actor: User, change_id: int, *, comment: str = "", request: HttpRequest | None = None
) -> ChangeRequest:
    """Apply an approved change in one transaction, with versions for every row it touches."""
    with transaction.atomic():
        change = _pending_for_review(actor, change_id)
        # Both households are locked in id order, so two approvals cannot deadlock or interleave.
        ids = sorted(
            pk for pk in (change.household_id, change.other_household_id) if pk is not None
        )
        locked = {
            h.pk: h
            for h in Household.objects.visible_to(actor).select_for_update().filter(pk__in=ids)
        }
        household = locked.get(change.household_id)
        other = locked.get(change.other_household_id) if change.other_household_id else None
        if household is None or (change.other_household_id and other is None):
            raise NotFound("记录不存在或不在您的管辖范围内")
        if household.revision != change.household_revision or (
            other is not None and other.revision != change.other_household_revision
        ):
            raise ValidationFailed(
                "提交后家庭信息已发生变化，该申请已过期，请驳回后重新提交", code="stale_request"
            )
        changes.check(change.kind, household, other, change.payload)
        before = {"household": _household_state(household)}
        if other is not None:
            before["other_household"] = _household_state(other)
        now = clock.stamp()  # the replayed day inside `clock.dated` (history replay)
        applier = changes.Applier(change, actor, now, timezone.localdate(now))
        applier.apply(household, other)
        for touched in Household.objects.filter(pk__in=applier.touched):
            touched.revision += 1
            touched.save(update_fields=["revision", "updated_at"])
        change.status = ChangeRequest.Status.APPROVED
        change.reviewed_by = actor
        change.reviewed_at = now
        change.review_comment = comment.strip()[:300]
        change.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
        household.refresh_from_db()
        after = {"household": _household_state(household)}
        if other is not None:
            other.refresh_from_db()
            after["other_household"] = _household_state(other)
        audit.record(
            actor,
            AuditEvent.Action.APPROVE,
            "change_request",
            change.pk,
            region_code=change.region_id,
            summary=f"批准{change.get_kind_display()}申请：{household}",
            before=before,
            after=after,
            request=request,
        )
    return change


def do_reject_change_request(
    actor: User, change_id: int, *, comment: str, request: HttpRequest | None = None
) -> ChangeRequest:
    comment = comment.strip()
    if not comment:
        raise ValidationFailed("驳回须填写理由", code="missing_reason")
    with transaction.atomic():
        change = _pending_for_review(actor, change_id)
        change.status = ChangeRequest.Status.REJECTED
        change.reviewed_by = actor
        change.reviewed_at = clock.stamp()
        change.review_comment = comment[:300]
        change.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
        audit.record(
            actor,
            AuditEvent.Action.TRANSITION,
            "change_request",
            change.pk,
            region_code=change.region_id,
            summary=f"驳回{change.get_kind_display()}申请：{comment}",
            before={"status": ChangeRequest.Status.PENDING},
            after={"status": change.status, "review_comment": change.review_comment},
            request=request,
        )
    return change
