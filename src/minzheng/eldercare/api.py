"""/api/v1/eldercare: ability assessments (read by partners with `registry:read`, recorded by
staff), and the coverage of meal points — scoped by region like every other router."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from minzheng.accounts.callers import actor
from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.inputs import MAX_ID
from minzheng.core.masking import mask_name
from minzheng.eldercare import actions, home_queries, homecare, queries
from minzheng.eldercare.home_rules import ITEM_LABELS
from minzheng.eldercare.models import Adaptation, Assessment, CareOrder, CareVisit
from minzheng.eldercare.rules import LEVEL_LABELS, Conditions, RiskEvent
from minzheng.registry.models import Person

PREFIX = "/eldercare"
router = Router(tags=["养老服务"])
SCOPE = "registry:read"
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]


class AssessmentOut(Schema):
    id: int
    person_id: int
    person: str  # masked
    assessed_on: date
    assessor: str
    total: int
    group_scores: dict[str, int]
    item_scores: dict[str, int]
    preliminary_level: str
    level: str
    level_label: str
    adjustments: list[str]
    tekun_care_level: str
    next_due: date

    @staticmethod
    def of(a: Assessment) -> AssessmentOut:
        return AssessmentOut(
            id=a.pk,
            person_id=a.person_id,
            person=mask_name(a.person.name),
            assessed_on=a.assessed_on,
            assessor=str(a.assessor),
            total=a.total,
            group_scores={
                "self_care": a.self_care_score,
                "movement": a.movement_score,
                "mental": a.mental_score,
                "perception": a.perception_score,
            },
            item_scores=dict(a.item_scores),
            preliminary_level=a.preliminary_level,
            level=a.level,
            level_label=LEVEL_LABELS[a.level],
            adjustments=list(a.adjustments),
            tekun_care_level=a.tekun_care_level,
            next_due=a.next_due,
        )


class RiskEventIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: RiskEvent
    day: date


class AssessmentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    person_id: RecordId
    assessed_on: date
    answers: dict[str, int] = Field(description='26 项二级指标得分，如 {"B.1.1": 4, …}')
    coma: bool = False
    dementia: bool = False
    mental_disorder: bool = False
    risk_events: list[RiskEventIn] = Field(default_factory=list, max_length=50)
    reason: str = Field(default="", max_length=10)
    second_assessor: str = Field(default="", max_length=60)


class CoverageOut(Schema):
    county: str
    villages: int
    covered: int
    share: str


@router.get("/assessments", response=list[AssessmentOut], summary="老年人能力评估记录（按人员）")
def list_assessments(request: HttpRequest, person_id: RecordId) -> list[AssessmentOut]:
    caller = actor(request, scope=SCOPE)
    rows = Assessment.objects.visible_to(caller).filter(person_id=person_id)
    return [AssessmentOut.of(a) for a in rows.select_related("person", "assessor")]


@router.get("/assessments/{assessment_id}", response=AssessmentOut, summary="一次能力评估的结果")
def get_assessment(request: HttpRequest, assessment_id: RecordId) -> AssessmentOut:
    caller = actor(request, scope=SCOPE)
    found = Assessment.objects.select_related("person", "assessor").get_visible(
        caller, pk=assessment_id
    )
    return AssessmentOut.of(found)


@router.post("/assessments", response={201: AssessmentOut}, summary="录入能力评估（工作人员）")
def post_assessment(request: HttpRequest, body: AssessmentIn) -> tuple[int, AssessmentOut]:
    caller = actor(request, scope=SCOPE, capability=Capability.EDIT_CASES)
    if not isinstance(caller, User):
        raise PermissionDenied("能力评估由评估员登录后录入")
    saved = actions.do_record_assessment(
        caller,
        body.person_id,
        answers=body.answers,
        conditions=Conditions(
            coma=body.coma,
            dementia=body.dementia,
            mental_disorder=body.mental_disorder,
            risk_events=tuple((e.kind, e.day) for e in body.risk_events),
        ),
        assessed_on=body.assessed_on,
        reason=body.reason,
        second_assessor=body.second_assessor,
    )
    return 201, AssessmentOut.of(saved)


@router.get("/meals/coverage", response=list[CoverageOut], summary="助餐点覆盖村（社区）情况")
def meal_coverage(request: HttpRequest) -> list[CoverageOut]:
    caller = actor(request, scope=SCOPE)
    return [
        CoverageOut(county=c.name, villages=c.villages, covered=c.covered, share=c.share)
        for c in queries.meal_coverage(caller)
    ]


# ── 适老化改造, 居家养老服务, 时间银行 ──────────────────────────────────────────────────────────


class AdaptationItemOut(Schema):
    code: str
    name: str
    basic: bool
    quantity: int
    unit_price: Decimal
    amount: Decimal
    subsidy: Decimal
    own_share: Decimal


class AdaptationOut(Schema):
    id: int
    person_id: int
    person: str  # masked
    region: str
    status: str
    status_label: str
    applied_on: date
    contractor: str
    cap: Decimal | None
    total: Decimal
    subsidy: Decimal
    own_share: Decimal
    items: list[AdaptationItemOut]
    paid_on: date | None

    @staticmethod
    def of(a: Adaptation) -> AdaptationOut:
        return AdaptationOut(
            id=a.pk,
            person_id=a.person_id,
            person=mask_name(a.person.name),
            region=a.region_id,
            status=a.status,
            status_label=a.get_status_display(),
            applied_on=a.applied_on,
            contractor=a.contractor,
            cap=a.cap,
            total=a.total,
            subsidy=a.subsidy,
            own_share=a.own_share,
            items=[
                AdaptationItemOut(
                    code=i.code,
                    name=ITEM_LABELS.get(i.code, ""),
                    basic=i.basic,
                    quantity=i.quantity,
                    unit_price=i.unit_price,
                    amount=i.amount,
                    subsidy=i.subsidy,
                    own_share=i.own_share,
                )
                for i in a.items.all()
            ],
            paid_on=a.paid_on,
        )


@router.get("/adaptations", response=list[AdaptationOut], summary="适老化改造（按状态，最多200条）")
def list_adaptations(request: HttpRequest, status: str = "") -> list[AdaptationOut]:
    caller = actor(request, scope=SCOPE)
    rows = home_queries.adaptations(caller).prefetch_related("items")
    if status:
        if status not in Adaptation.Status.values:
            raise ValidationFailed(f"未知的改造状态：{status[:20]}", code="status_invalid")
        rows = rows.filter(status=status)
    return [AdaptationOut.of(a) for a in rows[:200]]


@router.get("/adaptations/{adaptation_id}", response=AdaptationOut, summary="一户适老化改造")
def get_adaptation(request: HttpRequest, adaptation_id: RecordId) -> AdaptationOut:
    caller = actor(request, scope=SCOPE)
    found = Adaptation.objects.select_related("person").get_visible(caller, pk=adaptation_id)
    return AdaptationOut.of(found)


class VisitOut(Schema):
    id: int
    order_id: int
    service: str
    check_in: datetime
    check_out: datetime
    minutes: int
    volunteer: bool


class VisitIn(Schema):
    model_config = ConfigDict(extra="forbid")
    check_in: datetime
    check_out: datetime
    caregiver: str = Field(min_length=1, max_length=60)
    volunteer_id: RecordId | None = None
    note: str = Field(default="", max_length=500)


def _visit_out(v: CareVisit) -> VisitOut:
    return VisitOut(
        id=v.pk,
        order_id=v.order_id,
        service=v.order.service,
        check_in=v.check_in,
        check_out=v.check_out,
        minutes=v.minutes,
        volunteer=v.volunteer_id is not None,
    )


@router.get(
    "/homecare/orders/{order_id}/visits", response=list[VisitOut], summary="工单的上门服务记录"
)
def list_visits(request: HttpRequest, order_id: RecordId) -> list[VisitOut]:
    caller = actor(request, scope=SCOPE)
    order = CareOrder.objects.get_visible(caller, pk=order_id)
    return [_visit_out(v) for v in home_queries.visits(caller).filter(order=order)[:500]]


@router.post(
    "/homecare/orders/{order_id}/visits",
    response={201: VisitOut},
    summary="登记上门服务（签到、签出）",
)
def post_visit(request: HttpRequest, order_id: RecordId, body: VisitIn) -> tuple[int, VisitOut]:
    caller = actor(request, scope=SCOPE, capability=Capability.EDIT_CASES)
    if not isinstance(caller, User):
        raise PermissionDenied("上门服务由工作人员登录后登记")
    visit = homecare.do_record_visit(
        caller,
        order_id,
        check_in=body.check_in,
        check_out=body.check_out,
        caregiver=body.caregiver,
        volunteer_id=body.volunteer_id,
        note=body.note,
    )
    return 201, _visit_out(visit)


class TimeBankOut(Schema):
    person_id: int
    balance: Decimal
    entries: list[dict[str, str]]


@router.get("/timebank/{person_id}", response=TimeBankOut, summary="时间银行账户")
def get_timebank(request: HttpRequest, person_id: RecordId) -> TimeBankOut:
    caller = actor(request, scope=SCOPE)
    Person.objects.get_visible(caller, pk=person_id)  # another county's person: not found
    entries = home_queries.timebank_entries(caller).filter(person_id=person_id)[:200]
    return TimeBankOut(
        person_id=person_id,
        balance=home_queries.timebank_balance(caller, person_id),
        entries=[
            {
                "kind": e.kind,
                "hours": str(e.hours),
                "balance": str(e.balance),
                "at": e.created_at.isoformat(),
            }
            for e in entries
        ],
    )


class CountyFiguresOut(Schema):
    county: str
    adapted: int
    paid: int
    subsidy_paid: Decimal
    orders: int
    visits: int
    service_hours: Decimal


@router.get(
    "/homecare/statistics",
    response=list[CountyFiguresOut],
    summary="改造户数、支出与服务时长（按县）",
)
def statistics(request: HttpRequest) -> list[CountyFiguresOut]:
    caller = actor(request, scope=SCOPE)
    adapted = {f.county: f for f in home_queries.adaptation_figures(caller)}
    served = {f.county: f for f in home_queries.service_figures(caller)}
    out = []
    for county in sorted(set(adapted) | set(served)):
        a, s = adapted.get(county), served.get(county)
        out.append(
            CountyFiguresOut(
                county=county,
                adapted=a.adapted if a else 0,
                paid=a.paid if a else 0,
                subsidy_paid=a.subsidy_paid if a else Decimal("0.00"),
                orders=s.orders if s else 0,
                visits=s.visits if s else 0,
                service_hours=s.hours if s else Decimal("0.00"),
            )
        )
    return out
