"""/api/v1/charity: totals of donations and spending, and the yearly spending checks."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from minzheng.accounts.callers import actor
from minzheng.charity import queries, rules
from minzheng.core.errors import ValidationFailed

PREFIX = "/charity"
router = Router(tags=["慈善"])
READ_SCOPE = "charity:read"


class TotalsOut(Schema):
    year: int
    received_yuan: str
    cash_yuan: str
    goods_yuan: str
    spent_yuan: str
    spent_ratio: str


class CriterionOut(Schema):
    label: str
    value: str
    threshold: str
    passed: bool


class CheckOut(Schema):
    organisation: str
    credit_code: str
    group: str
    group_label: str
    passed: bool
    criteria: list[CriterionOut]


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise ValidationFailed(f"年度应为四位年份：{year}", code="bad_year")
    return year


@router.get("/totals", response=TotalsOut, summary="年度捐赠收入与支出合计（按管辖区域）")
def totals(request: HttpRequest, year: int) -> dict[str, Any]:
    t = queries.totals(actor(request, scope=READ_SCOPE), _year(year))
    return {
        "year": t.year,
        "received_yuan": f"{t.received:.2f}",
        "cash_yuan": f"{t.cash:.2f}",
        "goods_yuan": f"{t.goods:.2f}",
        "spent_yuan": f"{t.spent:.2f}",
        "spent_ratio": t.spent_ratio,
    }


@router.get("/checks", response=list[CheckOut], summary="年度慈善活动支出和管理费用检查")
def checks(request: HttpRequest, year: int) -> list[dict[str, Any]]:
    rows = queries.spending_checks(
        actor(request, scope=READ_SCOPE), _year(year), timezone.localdate()
    )
    return [
        {
            "organisation": r.financials.organisation.name,
            "credit_code": r.financials.organisation.credit_code,
            "group": r.check.group,
            "group_label": rules.GROUP_LABELS[r.check.group],
            "passed": r.check.passed,
            "criteria": [
                {"label": c.label, "value": c.value, "threshold": c.threshold, "passed": c.passed}
                for c in r.check.criteria
            ],
        }
        for r in rows
    ]
