"""/api/v1/civil: death reports that open 身后一件事, joint-case progress, marriage slots, divorce
deadlines and the civil statistics — scoped by region like every other router."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from minzheng.accounts.callers import actor
from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.civil import joint, marriage, queries
from minzheng.civil.models import JointCase, RegistryOffice
from minzheng.civil.rules import DIVORCE_STAGE_LABELS
from minzheng.core.errors import NotFound, ValidationFailed
from minzheng.core.masking import mask_name
from minzheng.registry.models import Person

PREFIX = "/civil"
router = Router(tags=["婚姻殡葬与一件事"])

# A death is a departmental feed like the others (公安, 殡葬, 卫健).
FEED_SCOPE = "verification:feed"


class DeathIn(Schema):
    person_id: int
    death_date: date
    source: str  # family / funeral / police / monitoring


class ItemOut(Schema):
    code: str
    label: str
    status: str
    status_label: str
    detail: str
    done_on: date | None


class JointCaseOut(Schema):
    id: int
    kind: str
    person: str  # masked
    region_code: str
    event_date: date
    source: str
    status: str
    items: list[ItemOut]

    @staticmethod
    def of(case: JointCase) -> JointCaseOut:
        return JointCaseOut(
            id=case.pk,
            kind=case.kind,
            person=mask_name(case.person.name),
            region_code=case.region_id,
            event_date=case.event_date,
            source=case.source,
            status=case.status,
            items=[
                ItemOut(
                    code=i.code,
                    label=i.label,
                    status=i.status,
                    status_label=i.get_status_display(),
                    detail=i.detail,
                    done_on=i.done_on,
                )
                for i in case.items.all()
            ],
        )


@router.post(
    "/after-death", response=JointCaseOut, summary="死亡信息推送：开启（或返回）身后一件事"
)
def report_death(request: HttpRequest, body: DeathIn) -> JointCaseOut:
    caller = actor(request, scope=FEED_SCOPE, capability=Capability.EDIT_CASES)
    person = Person.objects.get_visible(caller, pk=body.person_id)
    case = joint.open_after_death_case(
        person,
        body.death_date,
        body.source,
        actor=caller if isinstance(caller, User) else None,
    )
    return JointCaseOut.of(case)


@router.get("/joint-cases/{case_id}", response=JointCaseOut, summary="一件事的办理清单")
def get_joint_case(request: HttpRequest, case_id: int) -> JointCaseOut:
    case = JointCase.objects.select_related("person").get_visible(
        actor(request, scope="registry:read"), pk=case_id
    )
    return JointCaseOut.of(case)


class SlotOut(Schema):
    day: date
    period: str
    period_label: str
    booked: int
    capacity: int
    left: int


@router.get("/offices/{office_id}/slots", response=list[SlotOut], summary="婚姻登记可预约时段")
def office_slots(request: HttpRequest, office_id: int, days: int = 14) -> list[SlotOut]:
    actor(request, scope="registry:read")
    office = RegistryOffice.objects.filter(pk=office_id).first()
    if office is None:
        raise NotFound("婚姻登记处不存在")
    start = timezone.localdate()
    return [
        SlotOut(
            day=s.day,
            period=s.period,
            period_label=s.period_label,
            booked=s.booked,
            capacity=s.capacity,
            left=s.left,
        )
        for s in marriage.open_slots(office, start, max(1, min(days, 30)))
    ]


class DivorceOut(Schema):
    id: int
    region_code: str
    received_on: date
    cooling_off_last_day: date
    certificate_last_day: date
    status: str
    stage: str


@router.get("/divorces", response=list[DivorceOut], summary="离婚登记申请及冷静期期限")
def list_divorces(request: HttpRequest, status: str = "", limit: int = 50) -> list[DivorceOut]:
    today = timezone.localdate()
    rows = queries.divorces(actor(request, scope="registry:read"), status)[
        : max(1, min(limit, 500))
    ]
    return [
        DivorceOut(
            id=a.pk,
            region_code=a.region_id,
            received_on=a.received_on,
            cooling_off_last_day=a.cooling_off_last_day,
            certificate_last_day=a.certificate_last_day,
            status=a.status,
            stage=DIVORCE_STAGE_LABELS[marriage.timeline_of(a).stage(today)],
        )
        for a in rows
    ]


class FiguresOut(Schema):
    county_code: str
    county: str
    marriages: int
    divorces: int
    divorce_withdrawn: int
    divorce_deemed_withdrawn: int
    burials: int
    eco_burials: int
    eco_share_pct: str | None


@router.get("/statistics", response=list[FiguresOut], summary="婚姻登记与生态安葬统计（按区县）")
def statistics(request: HttpRequest, year: int | None = None) -> list[FiguresOut]:
    if year is not None and not 1949 <= year <= 2100:
        raise ValidationFailed("年份应在 1949 至 2100 之间", code="bad_year")
    rows = queries.figures(actor(request, scope="registry:read"), year)
    return [
        FiguresOut(
            county_code=r.code,
            county=r.name,
            marriages=r.marriages,
            divorces=r.divorces,
            divorce_withdrawn=r.divorce_withdrawn,
            divorce_deemed_withdrawn=r.divorce_deemed_withdrawn,
            burials=r.burials,
            eco_burials=r.eco_burials,
            eco_share_pct=str(r.eco_share) if r.eco_share is not None else None,
        )
        for r in rows
    ]
