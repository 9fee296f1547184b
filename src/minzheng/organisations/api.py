"""/api/v1/organisations: the registry for partner systems (scope `organisations:read`), credit-code
checks, and online filing of annual reports by staff."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from minzheng.accounts.callers import actor
from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core.creditcode import parse as parse_credit_code
from minzheng.core.errors import PermissionDenied
from minzheng.organisations import actions, queries
from minzheng.organisations.models import CreditListing, Organisation

PREFIX = "/organisations"
router = Router(tags=["社会组织"])
READ_SCOPE = "organisations:read"


class OrganisationOut(Schema):
    id: int
    name: str
    credit_code: str
    kind: str
    kind_label: str
    authority: str
    region_code: str
    supervising_unit: str
    legal_rep_name: str
    registered_capital_yuan: str
    founded_on: date
    certificate_valid_until: date
    status: str
    status_label: str
    rating: str | None
    credit_lists: list[str]


class CreditCodeIn(Schema):
    codes: list[str]


class AnnualReportIn(Schema):
    report_year: int
    income: str
    expenditure: str
    net_assets: str
    activities: str
    filed_on: date | None = None


class AnnualReportOut(Schema):
    id: int
    organisation: int
    report_year: int
    status: str
    status_label: str
    filed_on: date


def _out(o: Organisation) -> dict[str, Any]:
    rating = queries.current_rating(o, timezone.localdate())
    listed = CreditListing.objects.filter(organisation=o, status=CreditListing.Status.LISTED)
    return {
        "id": o.pk,
        "name": o.name,
        "credit_code": o.credit_code,
        "kind": o.kind,
        "kind_label": o.get_kind_display(),
        "authority": o.authority,
        "region_code": o.region_id,
        "supervising_unit": o.supervising_unit,
        "legal_rep_name": o.legal_rep_name,
        "registered_capital_yuan": f"{o.registered_capital:.2f}",
        "founded_on": o.founded_on,
        "certificate_valid_until": o.certificate_valid_until,
        "status": o.status,
        "status_label": o.get_status_display(),
        "rating": rating.get_grade_display() if rating else None,
        "credit_lists": [c.get_list_display() for c in listed],
    }


@router.get("/", response=list[OrganisationOut], summary="查询社会组织（按管辖区域）")
def organisation_list(
    request: HttpRequest, q: str = "", kind: str = "", limit: int = 50
) -> list[dict[str, Any]]:
    caller = actor(request, scope=READ_SCOPE)
    rows = queries.search_organisations(caller, q, kind)[: max(1, min(limit, 200))]
    return [_out(o) for o in rows]


@router.get("/{org_id}", response=OrganisationOut, summary="社会组织详情")
def organisation_detail(request: HttpRequest, org_id: int) -> dict[str, Any]:
    caller = actor(request, scope=READ_SCOPE)
    return _out(Organisation.objects.get_visible(caller, pk=org_id))


@router.post("/creditcodes/check", summary="校验统一社会信用代码（GB 32100-2015），逐个返回结果")
def check_codes(request: HttpRequest, body: CreditCodeIn) -> list[dict[str, Any]]:
    actor(request, scope=READ_SCOPE)
    return [parse_credit_code(code).as_dict() for code in body.codes[:1000]]


@router.post(
    "/{org_id}/annual-reports", response=AnnualReportOut, summary="网上报送年度报告（工作人员）"
)
def file_annual_report(request: HttpRequest, org_id: int, body: AnnualReportIn) -> dict[str, Any]:
    caller = actor(request, scope="organisations:write", capability=Capability.MANAGE_ORGANISATIONS)
    if not isinstance(caller, User):
        raise PermissionDenied("年度报告须由登记管理机关工作人员录入")
    report = actions.do_file_annual_report(
        caller,
        org_id,
        report_year=body.report_year,
        data={
            "income": body.income,
            "expenditure": body.expenditure,
            "net_assets": body.net_assets,
            "activities": body.activities,
        },
        filed_on=body.filed_on or timezone.localdate(),
    )
    return {
        "id": report.pk,
        "organisation": org_id,
        "report_year": report.report_year,
        "status": report.status,
        "status_label": report.get_status_display(),
        "filed_on": report.filed_on,
    }
