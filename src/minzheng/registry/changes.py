"""The six household changes: checking a request's payload, and applying an approved one.

`check` runs at submission and again at approval (the household may have moved on in between);
it returns the normalised payload or raises a Chinese `ValidationFailed`. `apply` runs inside the
approving action's transaction, on rows it has locked, and writes a version for every row it touches.
Membership dates are half-open: a member removed today has `valid_to` = today and is no longer
counted on that day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from minzheng.accounts.models import User
from minzheng.core.errors import ValidationFailed
from minzheng.registry import history
from minzheng.registry.models import ChangeRequest, Household, Membership, Relationship

Kind = ChangeRequest.Kind

# Which kinds name a second household, and the payload key that holds it.
OTHER_HOUSEHOLD_KEY = {
    Kind.MOVE_MEMBER: "to_household_id",
    Kind.MERGE_HOUSEHOLDS: "from_household_id",
}


def _optional_int(payload: dict[str, Any], key: str, label: str) -> int | None:
    value = payload.get(key)
    if value in (None, ""):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise ValidationFailed(f"{label}应为数字编号", code="bad_field")
    return int(text)


def id_field(payload: dict[str, Any], key: str, label: str) -> int:
    value = _optional_int(payload, key, label)
    if value is None:
        raise ValidationFailed(f"请填写{label}", code="missing_field")
    return value


def _int_list(payload: dict[str, Any], key: str, label: str) -> list[int]:
    raw = payload.get(key)
    values = raw if isinstance(raw, list) else ([] if raw in (None, "") else [raw])
    ids = {id_field({"v": v}, "v", label) for v in values}
    if not ids:
        raise ValidationFailed(f"请选择{label}", code="missing_field")
    return sorted(ids)


def _relationship(value: Any, label: str = "与户主关系") -> str:
    if value in Relationship.values and value != Relationship.HEAD:
        return str(value)
    raise ValidationFailed(f"{label}无效：{value or '未填写'}", code="bad_relationship")


def _relationships(payload: dict[str, Any]) -> dict[str, str]:
    raw = payload.get("relationships") or {}
    if not isinstance(raw, dict):
        raise ValidationFailed("成员关系应为“人员编号: 关系”的对照", code="bad_relationship")
    return {str(k): _relationship(v) for k, v in raw.items()}


def current_members(household: Household) -> dict[int, Membership]:
    members = household.memberships.filter(valid_to__isnull=True).select_related("person")
    return {m.person_id: m for m in members}


def _open(household: Household) -> None:
    if household.closed_on is not None:
        raise ValidationFailed(f"{household}已于{household.closed_on}注销", code="household_closed")


def _member(members: dict[int, Membership], person_id: int | None) -> Membership:
    if person_id is None or person_id not in members:
        raise ValidationFailed(f"人员{person_id}不是本户现有成员", code="not_a_member")
    return members[person_id]


def _new_head_if_head_leaves(
    household: Household, members: dict[int, Membership], leaving: set[int], new_head_id: int | None
) -> int | None:
    """Removing the head needs a new head who stays; 户籍 rules allow no household without one."""
    if household.head_id not in leaving:
        return None
    if new_head_id is None:
        raise ValidationFailed("户主离开本户前须指定新户主", code="head_needs_successor")
    if new_head_id in leaving or new_head_id not in members:
        raise ValidationFailed("新户主须是留在本户的成员", code="bad_new_head")
    return new_head_id


def check(
    kind: str, household: Household, other: Household | None, payload: dict[str, Any]
) -> dict[str, Any]:
    """The normalised payload of a valid request, or a ValidationFailed that says what is wrong."""
    _open(household)
    members = current_members(household)
    if kind == Kind.ADD_MEMBER:
        person_id = id_field(payload, "person_id", "人员编号")
        if person_id in members:
            raise ValidationFailed("该人员已是本户成员", code="already_member")
        elsewhere = Membership.objects.filter(person_id=person_id, valid_to__isnull=True).first()
        if elsewhere is not None:
            raise ValidationFailed(
                "该人员已是其他家庭户的现有成员，请改用“成员迁至其他家庭”",
                code="in_other_household",
            )
        return {
            "person_id": person_id,
            "relationship": _relationship(payload.get("relationship")),
            "lives_together": payload.get("lives_together", True) not in (False, "false", "0", ""),
        }
    if kind == Kind.REMOVE_MEMBER:
        person_id = _member(members, id_field(payload, "person_id", "人员编号")).person_id
        new_head = _optional_int(payload, "new_head_id", "新户主")
        if len(members) == 1:
            raise ValidationFailed("不能移除家庭户的唯一成员", code="last_member")
        return {
            "person_id": person_id,
            "new_head_id": _new_head_if_head_leaves(household, members, {person_id}, new_head),
        }
    if kind == Kind.MOVE_MEMBER:
        if other is None:
            raise ValidationFailed("请选择迁入的家庭户", code="missing_field")
        if other.pk == household.pk:
            raise ValidationFailed("迁入的家庭户不能是本户", code="same_household")
        _open(other)
        person_id = _member(members, id_field(payload, "person_id", "人员编号")).person_id
        new_head = _optional_int(payload, "new_head_id", "新户主")
        if len(members) == 1:
            raise ValidationFailed("唯一成员迁出请改用“合户”", code="last_member")
        return {
            "person_id": person_id,
            "to_household_id": other.pk,
            "relationship": _relationship(payload.get("relationship")),
            "new_head_id": _new_head_if_head_leaves(household, members, {person_id}, new_head),
        }
    if kind == Kind.SPLIT_HOUSEHOLD:
        leaving = _int_list(payload, "person_ids", "分出的成员")
        for person_id in leaving:
            _member(members, person_id)
        if len(leaving) >= len(members):
            raise ValidationFailed("分户后原家庭至少要留一名成员", code="split_takes_everyone")
        new_head = id_field(payload, "new_head_id", "新家庭户主")
        if new_head not in leaving:
            raise ValidationFailed("新家庭的户主须是分出的成员之一", code="bad_new_head")
        address = str(payload.get("address") or "").strip()
        if not address:
            raise ValidationFailed("请填写新家庭的住址", code="missing_field")
        remaining_head = _optional_int(payload, "remaining_head_id", "原家庭新户主")
        relationships = _relationships(payload)
        return {
            "person_ids": leaving,
            "new_head_id": new_head,
            "address": address[:200],
            "relationships": {str(p): relationships.get(str(p), "other") for p in leaving},
            "remaining_head_id": _new_head_if_head_leaves(
                household, members, set(leaving), remaining_head
            ),
        }
    if kind == Kind.MERGE_HOUSEHOLDS:
        if other is None:
            raise ValidationFailed("请选择并入本户的家庭户", code="missing_field")
        if other.pk == household.pk:
            raise ValidationFailed("不能将家庭户合并到其自身", code="merge_into_itself")
        _open(other)
        incoming = current_members(other)
        if not incoming:
            raise ValidationFailed("被合并的家庭户没有现有成员", code="empty_household")
        relationships = _relationships(payload)
        return {
            "from_household_id": other.pk,
            "relationships": {str(p): relationships.get(str(p), "other") for p in incoming},
        }
    if kind == Kind.CHANGE_HEAD:
        new_head = _member(members, id_field(payload, "new_head_id", "新户主")).person_id
        if new_head == household.head_id:
            raise ValidationFailed("该成员已是户主", code="already_head")
        former = _relationship(payload.get("former_head_relationship"), "原户主与新户主关系")
        return {"new_head_id": new_head, "former_head_relationship": former}
    raise ValidationFailed(f"不支持的变更类型：{kind}", code="unknown_kind")


@dataclass
class Applier:
    """Applies one approved request; every row it changes gets a version."""

    request: ChangeRequest
    actor: User
    at: datetime
    today: date
    touched: set[int] = field(default_factory=set)

    def _version(self, record: Any, before: dict[str, Any] | None, summary: str) -> None:
        history.write_version(
            record,
            before=before,
            actor=self.actor,
            at=self.at,
            change_request=self.request,
            summary=summary,
        )

    def end(self, membership: Membership, summary: str) -> None:
        before = history.snapshot(membership)
        membership.valid_to = self.today
        membership.save(update_fields=["valid_to"])
        self._version(membership, before, summary)
        self.touched.add(membership.household_id)

    def start(
        self, household: Household, person_id: int, relationship: str, lives_together: bool = True
    ) -> None:
        membership = Membership.objects.create(
            household=household,
            person_id=person_id,
            relationship=relationship,
            lives_together=lives_together,
            valid_from=self.today,
        )
        self._version(membership, None, f"加入{household}")
        self.touched.add(household.pk)

    def relate(self, membership: Membership, relationship: str) -> None:
        before = history.snapshot(membership)
        membership.relationship = relationship
        membership.save(update_fields=["relationship"])
        self._version(membership, before, "与户主关系变更")
        self.touched.add(membership.household_id)

    def set_head(self, household: Household, person_id: int | None, summary: str) -> None:
        before = history.snapshot(household)
        household.head_id = person_id
        household.save(update_fields=["head", "updated_at"])
        self._version(household, before, summary)
        self.touched.add(household.pk)

    def handover(self, household: Household, new_head_id: int | None) -> None:
        if new_head_id is not None:
            self.relate(current_members(household)[new_head_id], Relationship.HEAD)
            self.set_head(household, new_head_id, "户主变更")

    def apply(self, household: Household, other: Household | None) -> None:
        payload = self.request.payload
        kind = self.request.kind
        if kind == Kind.ADD_MEMBER:
            self.start(
                household, payload["person_id"], payload["relationship"], payload["lives_together"]
            )
        elif kind == Kind.REMOVE_MEMBER:
            self.end(current_members(household)[payload["person_id"]], "移出本户")
            self.handover(household, payload["new_head_id"])
        elif kind == Kind.MOVE_MEMBER:
            assert other is not None
            self.end(current_members(household)[payload["person_id"]], f"迁至{other}")
            self.start(other, payload["person_id"], payload["relationship"])
            self.handover(household, payload["new_head_id"])
        elif kind == Kind.SPLIT_HOUSEHOLD:
            self._split(household, payload)
        elif kind == Kind.MERGE_HOUSEHOLDS:
            assert other is not None
            for person_id, membership in current_members(other).items():
                self.end(membership, f"并入{household}")
                self.start(household, person_id, payload["relationships"][str(person_id)])
            before = history.snapshot(other)
            other.closed_on = self.today
            other.save(update_fields=["closed_on", "updated_at"])
            self._version(other, before, f"并入{household}，本户注销")
        elif kind == Kind.CHANGE_HEAD:
            members = current_members(household)
            if household.head_id in members:
                self.relate(members[household.head_id], payload["former_head_relationship"])
            self.handover(household, payload["new_head_id"])

    def _split(self, household: Household, payload: dict[str, Any]) -> None:
        new = Household.objects.create(region_id=household.region_id, address=payload["address"])
        self._version(new, None, f"由{household}分户新建")
        members = current_members(household)
        for person_id in payload["person_ids"]:
            self.end(members[person_id], "分户迁出")
            relationship = (
                Relationship.HEAD
                if person_id == payload["new_head_id"]
                else payload["relationships"][str(person_id)]
            )
            self.start(new, person_id, relationship)
        self.set_head(new, payload["new_head_id"], "分户后户主")
        self.handover(household, payload["remaining_head_id"])
