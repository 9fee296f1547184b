"""/api/v1/applications: the workflow's cases, read-only for partners, scoped by region."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Router, Schema

from minzheng.accounts.callers import actor
from minzheng.applications.models import Application, StepRecord
from minzheng.core.inputs import Limit, Offset
from minzheng.core.masking import mask_name

PREFIX = "/applications"
router = Router(tags=["救助申请"])


class StepOut(Schema):
    step: str
    label: str
    started_on: date
    due_on: date | None
    completed_at: datetime | None
    outcome: str


class ApplicationOut(Schema):
    id: int
    number: str
    applicant: str  # masked, as on the public notice
    region_code: str
    programmes: list[str]
    step: str
    step_label: str
    step_due: date | None
    fast_track: bool
    staff_relative: bool
    advance_aid: bool = False  # 先行救助 granted
    spot_check: bool = False  # 特困, drawn for the county's spot check
    limit_due: date | None = None  # 30 working days, 45 in special cases
    special_case: bool = False

    @staticmethod
    def of(app: Application) -> ApplicationOut:
        return ApplicationOut(
            id=app.pk,
            number=app.number,
            applicant=mask_name(app.applicant.name),
            region_code=app.region_id,
            programmes=list(app.programmes),
            step=app.step,
            step_label=app.step_label,
            step_due=app.step_due,
            fast_track=app.fast_track,
            staff_relative=app.staff_relative,
            advance_aid=app.advance_aid,
            spot_check=app.spot_check,
            limit_due=app.limit_due,
            special_case=app.special_case,
        )


class ApplicationDetailOut(ApplicationOut):
    steps: list[StepOut]


def _step(record: StepRecord) -> StepOut:
    return StepOut(
        step=record.step,
        label=record.label,
        started_on=record.started_on,
        due_on=record.due_on,
        completed_at=record.completed_at,
        outcome=record.outcome,
    )


@router.get("", response=list[ApplicationOut], summary="救助申请列表（按管辖区域，姓名脱敏）")
def list_applications(
    request: HttpRequest, step: str = "", limit: Limit = 50, offset: Offset = 0
) -> list[ApplicationOut]:
    rows = Application.objects.visible_to(actor(request, scope="registry:read"))
    if step:
        rows = rows.filter(step=step)
    limit = max(1, min(limit, 500))
    page = rows.select_related("applicant").order_by("-id")[offset : offset + limit]
    return [ApplicationOut.of(app) for app in page]


@router.get("/{application_id}", response=ApplicationDetailOut, summary="一件申请及其办理环节")
def get_application(request: HttpRequest, application_id: int) -> ApplicationDetailOut:
    app = Application.objects.get_visible(actor(request, scope="registry:read"), pk=application_id)
    base = ApplicationOut.of(app)
    return ApplicationDetailOut(
        **base.model_dump(), steps=[_step(r) for r in app.steps.order_by("id")]
    )
