from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema

from minzheng.api.api import actor
from minzheng.registry import queries
from minzheng.registry.models import Household, Person

PREFIX = "/registry"
router = Router(tags=["人员与家庭"])


class PersonOut(Schema):
    id: int
    name: str
    id_number: str
    sex: str
    birth_date: date | None
    phone: str
    region_code: str
    address: str

    @staticmethod
    def of(person: Person) -> PersonOut:
        return PersonOut(
            id=person.pk,
            name=person.name,
            id_number=person.id_number_masked,
            sex=person.sex,
            birth_date=person.birth_date,
            phone=person.phone_masked,
            region_code=person.region_id,
            address=person.address,
        )


class HouseholdOut(Schema):
    id: int
    region_code: str
    address: str
    head_name: str | None
    members: list[PersonOut]


@router.get("/persons", response=list[PersonOut], summary="查询人员（身份证号、手机号脱敏）")
def list_persons(
    request: HttpRequest, q: str = "", limit: int = 50, offset: int = 0
) -> list[PersonOut]:
    persons = queries.search_persons(actor(request, scope="registry:read"), q)
    limit = max(1, min(limit, 500))
    return [PersonOut.of(p) for p in persons[offset : offset + limit]]


@router.get("/persons/{person_id}", response=PersonOut, summary="人员详情")
def get_person(request: HttpRequest, person_id: int) -> PersonOut:
    return PersonOut.of(
        Person.objects.get_visible(actor(request, scope="registry:read"), pk=person_id)
    )


@router.get("/households/{household_id}", response=HouseholdOut, summary="家庭户详情")
def get_household(request: HttpRequest, household_id: int) -> HouseholdOut:
    household = Household.objects.get_visible(
        actor(request, scope="registry:read"), pk=household_id
    )
    members = [
        m.person
        for m in household.memberships.filter(valid_to__isnull=True).select_related("person")
    ]
    return HouseholdOut(
        id=household.pk,
        region_code=household.region_id,
        address=household.address,
        head_name=household.head.name if household.head else None,
        members=[PersonOut.of(p) for p in members],
    )


@router.get("/households", response=list[HouseholdOut], summary="查询家庭户")
def list_households(
    request: HttpRequest, q: str = "", limit: int = 50, offset: int = 0
) -> list[HouseholdOut]:
    households = queries.households_for(actor(request, scope="registry:read"), q)
    limit = max(1, min(limit, 500))
    return [
        HouseholdOut(
            id=h.pk,
            region_code=h.region_id,
            address=h.address,
            head_name=h.head.name if h.head else None,
            members=[],
        )
        for h in households[offset : offset + limit]
    ]
