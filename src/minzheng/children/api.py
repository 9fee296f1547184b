"""/api/v1/children: the protected children of the caller's region (a partner with
`registry:read`, e.g. the education bureau checking who gets free schooling), and one case."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from minzheng.accounts.callers import actor
from minzheng.children.models import Category, ChildCase
from minzheng.children.queries import cases_visible
from minzheng.core.errors import ValidationFailed

PREFIX = "/children"
router = Router(tags=["儿童福利"])


class ChildCaseOut(Schema):
    id: int
    name: str
    id_number_masked: str
    region_code: str
    category: str
    category_label: str
    status: str
    status_label: str
    monthly_amount: Decimal | None
    paid_from: date | None
    paid_until_before: date | None

    @staticmethod
    def of(c: ChildCase) -> ChildCaseOut:
        return ChildCaseOut(
            id=c.pk,
            name=c.child.name,
            id_number_masked=c.child.id_number_masked,
            region_code=c.region_id,
            category=c.category,
            category_label=c.get_category_display(),
            status=c.status,
            status_label=c.get_status_display(),
            monthly_amount=c.monthly_amount,
            paid_from=c.enrolment.start_month if c.enrolment else None,
            paid_until_before=c.enrolment.end_month if c.enrolment else None,
        )


@router.get("/cases", response=list[ChildCaseOut], summary="儿童保障档案（限数据范围）")
def list_cases(
    request: HttpRequest, category: str = "", status: str = "", limit: int = 100
) -> list[ChildCaseOut]:
    rows = cases_visible(actor(request, scope="registry:read"))
    if category:
        if category not in Category.values:
            raise ValidationFailed("儿童类别不正确", code="bad_category")
        rows = rows.filter(category=category)
    if status:
        if status not in ChildCase.Status.values:
            raise ValidationFailed("状态不正确", code="bad_status")
        rows = rows.filter(status=status)
    return [ChildCaseOut.of(c) for c in rows[: max(1, min(limit, 500))]]


@router.get("/cases/{case_id}", response=ChildCaseOut, summary="一名儿童的保障档案")
def get_case(request: HttpRequest, case_id: int) -> ChildCaseOut:
    caller = actor(request, scope="registry:read")
    return ChildCaseOut.of(cases_visible(caller).get_visible(caller, pk=case_id))
