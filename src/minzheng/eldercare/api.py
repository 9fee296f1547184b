"""/api/v1/eldercare: ability assessments (read by partners with `registry:read`, recorded by
staff), and the coverage of meal points — scoped by region like every other router."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from minzheng.accounts.callers import actor
from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core.errors import PermissionDenied
from minzheng.core.inputs import MAX_ID
from minzheng.core.masking import mask_name
from minzheng.eldercare import actions, queries
from minzheng.eldercare.models import Assessment
from minzheng.eldercare.rules import LEVEL_LABELS, Conditions, RiskEvent

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
