from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from minzheng.accounts.callers import actor
from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core.errors import PermissionDenied
from minzheng.core.inputs import MAX_ID, CleanText, Limit, Offset
from minzheng.core.masking import birth_year
from minzheng.registry import actions, queries
from minzheng.registry.models import ChangeRequest, Person

PREFIX = "/registry"
router = Router(tags=["人员与家庭"])


class PersonOut(Schema):
    id: int
    name: str
    id_number: str
    sex: str
    birth_date: date | None = Field(
        description="完整出生日期：仅对有查看明文权限的工作人员给出，其余为 null（见 birth_year）"
    )
    birth_year: int | None
    phone: str
    region_code: str
    address: str

    @staticmethod
    def of(person: Person, full_birth: bool = False) -> PersonOut:
        # The masked ID hides exactly the birth date: with the date beside it, it is no mask.
        return PersonOut(
            id=person.pk,
            name=person.name,
            id_number=person.id_number_masked,
            sex=person.sex,
            birth_date=person.birth_date if full_birth else None,
            birth_year=birth_year(person.birth_date),
            phone=person.phone_masked,
            region_code=person.region_id,
            address=person.address,
        )


class HouseholdOut(Schema):
    id: int
    region_code: str
    address: str
    kind: str  # 户别: family | collective
    kind_label: str  # 家庭户 | 集体户
    head_name: str | None
    members: list[PersonOut]


@router.get("/persons", response=list[PersonOut], summary="查询人员（身份证号、手机号脱敏）")
def list_persons(
    request: HttpRequest, q: str = "", limit: Limit = 50, offset: Offset = 0
) -> list[PersonOut]:
    caller = actor(request, scope="registry:read")
    persons = queries.search_persons(caller, q)
    limit = max(1, min(limit, 500))
    full = _full_birth(caller)
    return [PersonOut.of(p, full) for p in persons[offset : offset + limit]]


def _full_birth(caller: object) -> bool:
    """Only staff who may reveal an ID number see whole birth dates; partners see the year."""
    return isinstance(caller, User) and caller.can(Capability.VIEW_PII)


class PersonDetailOut(PersonOut):
    hukou_region_code: str | None
    hukou_type: str
    disability_category: str
    disability_grade: int | None
    serious_illnesses: list[str]
    labour_capacity: str
    date_of_death: date | None
    as_of: date | None
    before_history: bool
    household_ids: list[int]


@router.get("/persons/{person_id}", response=PersonDetailOut, summary="人员详情（可按日期回看）")
def get_person(request: HttpRequest, person_id: int, as_of: date | None = None) -> PersonDetailOut:
    caller = actor(request, scope="registry:read")
    found = (
        queries.person_as_of(caller, person_id, as_of)
        if as_of
        else queries.current_person(caller, person_id)
    )
    person = found.person
    return PersonDetailOut(
        **PersonOut.of(person, _full_birth(caller)).model_dump(),
        hukou_region_code=person.hukou_region_id,
        hukou_type=person.hukou_type,
        disability_category=person.disability_category,
        disability_grade=person.disability_grade,
        serious_illnesses=list(person.serious_illnesses),
        labour_capacity=person.labour_capacity,
        date_of_death=person.date_of_death,
        as_of=as_of,
        before_history=found.before_history,
        household_ids=[m.household_id for m in found.memberships],
    )


class MemberOut(Schema):
    person: PersonOut
    relationship: str
    lives_together: bool
    valid_from: date


class HouseholdDetailOut(HouseholdOut):
    head_id: int | None
    closed_on: date | None
    as_of: date | None
    before_history: bool
    memberships: list[MemberOut]


@router.get(
    "/households/{household_id}", response=HouseholdDetailOut, summary="家庭户详情（可按日期回看）"
)
def get_household(
    request: HttpRequest, household_id: int, as_of: date | None = None
) -> HouseholdDetailOut:
    caller = actor(request, scope="registry:read")
    found = (
        queries.household_as_of(caller, household_id, as_of)
        if as_of
        else queries.current_household(caller, household_id)
    )
    household = found.household
    head = next((m.person for m in found.members if m.person.pk == household.head_id), None)
    return HouseholdDetailOut(
        id=household.pk,
        region_code=household.region_id,
        address=household.address,
        kind=household.kind,
        kind_label=household.get_kind_display(),
        head_name=head.name if head else None,
        head_id=household.head_id,
        closed_on=household.closed_on,
        as_of=as_of,
        before_history=found.before_history,
        members=[PersonOut.of(m.person, _full_birth(caller)) for m in found.members],
        memberships=[
            MemberOut(
                person=PersonOut.of(m.person, _full_birth(caller)),
                relationship=m.membership.relationship,
                lives_together=m.membership.lives_together,
                valid_from=m.membership.valid_from,
            )
            for m in found.members
        ],
    )


class ChangeRequestIn(Schema):
    kind: CleanText = Field(max_length=40)
    household_id: int = Field(ge=1, le=MAX_ID)
    payload: dict[str, Any]
    reason: CleanText = Field(max_length=2000)


class ReviewIn(Schema):
    comment: CleanText = Field(default="", max_length=2000)


class ChangeRequestOut(Schema):
    id: int
    kind: str
    status: str
    household_id: int
    other_household_id: int | None
    payload: dict[str, Any]
    reason: str
    submitted_by: str
    reviewed_by: str | None
    review_comment: str

    @staticmethod
    def of(change: ChangeRequest) -> ChangeRequestOut:
        return ChangeRequestOut(
            id=change.pk,
            kind=change.kind,
            status=change.status,
            household_id=change.household_id,
            other_household_id=change.other_household_id,
            payload=change.payload,
            reason=change.reason,
            submitted_by=change.submitted_by.username,
            reviewed_by=change.reviewed_by.username if change.reviewed_by else None,
            review_comment=change.review_comment,
        )


def _staff(request: HttpRequest) -> User:
    """Household changes are made by staff in a login session, never by a partner token."""
    caller: Any = getattr(request, "auth", None)
    if not isinstance(caller, User):
        raise PermissionDenied("家庭变更只能由工作人员登录后办理")
    return caller


@router.post(
    "/change-requests", response={201: ChangeRequestOut}, summary="提交家庭变更申请（工作人员）"
)
def submit_change_request(request: HttpRequest, body: ChangeRequestIn) -> Status[ChangeRequestOut]:
    change = actions.do_submit_change_request(
        _staff(request),
        kind=body.kind,
        household_id=body.household_id,
        payload=body.payload,
        reason=body.reason,
        request=request,
    )
    return Status(201, ChangeRequestOut.of(change))


@router.post(
    "/change-requests/{request_id}/approve",
    response=ChangeRequestOut,
    summary="批准家庭变更申请（县级审核审批员）",
)
def approve_change_request(request: HttpRequest, request_id: int, body: ReviewIn) -> Any:
    change = actions.do_approve_change_request(
        _staff(request), request_id, comment=body.comment, request=request
    )
    return ChangeRequestOut.of(change)


@router.post(
    "/change-requests/{request_id}/reject",
    response=ChangeRequestOut,
    summary="驳回家庭变更申请（县级审核审批员）",
)
def reject_change_request(request: HttpRequest, request_id: int, body: ReviewIn) -> Any:
    change = actions.do_reject_change_request(
        _staff(request), request_id, comment=body.comment, request=request
    )
    return ChangeRequestOut.of(change)


@router.get("/households", response=list[HouseholdOut], summary="查询家庭户")
def list_households(
    request: HttpRequest, q: str = "", limit: Limit = 50, offset: Offset = 0
) -> list[HouseholdOut]:
    households = queries.households_for(actor(request, scope="registry:read"), q)
    limit = max(1, min(limit, 500))
    return [
        HouseholdOut(
            id=h.pk,
            region_code=h.region_id,
            address=h.address,
            kind=h.kind,
            kind_label=h.get_kind_display(),
            head_name=h.head.name if h.head else None,
            members=[],
        )
        for h in households[offset : offset + limit]
    ]
