"""Pages: policy parameters (list, propose with preview, confirm) and the household decision fragment."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.assistance import actions, queries
from minzheng.assistance.eligibility import explain_household
from minzheng.assistance.models import PolicyParameter
from minzheng.assistance.parameter_catalog import all_specs, spec_for
from minzheng.assistance.parameters import Confidence, ValueKind
from minzheng.assistance.programmes import get_programme
from minzheng.core import clock
from minzheng.core.errors import NotFound, ValidationFailed
from minzheng.core.exports import xlsx_response
from minzheng.core.regioncode import county_of
from minzheng.regions.models import Region
from minzheng.registry.models import Household


def _day(text: str | None, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"日期格式应为 YYYY-MM-DD：{text}", code="invalid_date") from None


def _form_value(key: str, text: str) -> Any:
    """What an administrator types, in the JSON form the parameter is stored in."""
    try:
        kind = spec_for(key).kind
    except KeyError:
        raise ValidationFailed(f"未知的政策参数：{key}", code="unknown_parameter") from None
    text = text.strip()
    try:
        if kind is ValueKind.CODES:
            return [c.strip() for c in text.replace("，", ",").split(",") if c.strip()]
        if kind is ValueKind.BOOLEAN:
            return text.lower() in ("true", "1", "是", "yes")
        if kind is ValueKind.INTEGER:
            return int(text)
        if kind is ValueKind.DECIMAL:
            return str(Decimal(text))
    except (ValueError, ArithmeticError):
        raise ValidationFailed(
            f"取值 {text!r} 不符合参数 {key} 的格式", code="invalid_value"
        ) from None
    return text


def _parameter_scopes(user: Any) -> list[tuple[str, str]]:
    """Where a user may set a parameter, as (6-digit scope, name): their own region and, for the
    city, each county — a choice instead of a typed prefix."""
    region = user.region
    below = (
        Region.objects.filter(parent=region, level="county").order_by("code")
        if region.level == "city"
        else Region.objects.none()
    )
    return [(county_of(r.code), r.name) for r in [region, *below]]


@requires(Capability.MANAGE_PARAMETERS)
def parameter_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assistance/parameter_list.html",
        {
            "table": queries.parameter_table(),
            "specs": all_specs(),
            "confidences": [c.value for c in Confidence],
            "region_default": county_of(staff_user(request).region_id),
            "scopes": _parameter_scopes(staff_user(request)),
        },
    )


@require_POST
@requires(Capability.MANAGE_PARAMETERS)
def parameter_propose(request: HttpRequest) -> HttpResponse:
    key = request.POST.get("key", "")
    proposal = actions.do_propose_parameter(
        staff_user(request),
        key=key,
        region_code=request.POST.get("region_code", "").strip(),
        effective_from=_day(request.POST.get("effective_from"), clock.today()),
        value=_form_value(key, request.POST.get("value", "")),
        source=request.POST.get("source", ""),
        confidence=request.POST.get("confidence", Confidence.B.value),
        illustrative=request.POST.get("illustrative") == "on",
        note=request.POST.get("note", ""),
    )
    return redirect("assistance:parameter_preview", proposal.pk)


def _proposal(request: HttpRequest, parameter_id: int) -> PolicyParameter:
    """A parameter value whose region lies inside the user's scope: its preview lists households."""
    proposal = PolicyParameter.objects.filter(pk=parameter_id).first()
    if proposal is None or not staff_user(request).covers(proposal.region_code):
        raise NotFound("参数不存在或不在您的管辖范围内")
    return proposal


@requires(Capability.MANAGE_PARAMETERS)
def parameter_preview(request: HttpRequest, parameter_id: int) -> HttpResponse:
    proposal = _proposal(request, parameter_id)
    preview = proposal.preview
    page = Paginator(preview.get("changes", []), 50).get_page(request.GET.get("page"))
    programmes = [
        (get_programme(code).short_name, figures)
        for code, figures in preview.get("programmes", {}).items()
    ]
    return render(
        request,
        "assistance/parameter_preview.html",
        {
            "p": proposal,
            "spec": spec_for(proposal.key),
            "preview": preview,
            "page": page,
            "programmes": programmes,
        },
    )


PREVIEW_HEADERS = (
    "家庭户编号",
    "户主（脱敏）",
    "乡镇（街道）",
    "项目",
    "调整前",
    "调整前金额（元/月）",
    "调整后",
    "调整后金额（元/月）",
    "变化（元/月）",
)


@requires(Capability.MANAGE_PARAMETERS)
def parameter_preview_export(request: HttpRequest, parameter_id: int) -> HttpResponse:
    """The preview's household list as an Excel sheet (masked names), audited as an export."""
    proposal = _proposal(request, parameter_id)
    rows = [
        (
            c["household_id"],
            c.get("head", ""),
            c.get("township", ""),
            get_programme(c["programme"]).short_name,
            "符合" if c["before_eligible"] else "不符合",
            c["before_amount"],
            "符合" if c["after_eligible"] else "不符合",
            c["after_amount"],
            c["delta"],
        )
        for c in proposal.preview.get("changes", [])
    ]
    return xlsx_response(
        staff_user(request),
        request,
        filename=f"参数调整测算_{proposal.version_id}.xlsx",
        object_type="policy_parameter",
        headers=PREVIEW_HEADERS,
        rows=rows,
    )


@require_POST
@requires(Capability.MANAGE_PARAMETERS)
def parameter_confirm(request: HttpRequest, parameter_id: int) -> HttpResponse:
    actions.do_confirm_parameter(staff_user(request), _proposal(request, parameter_id))
    return redirect("assistance:parameter_list")


@require_POST
@requires(Capability.MANAGE_PARAMETERS)
def parameter_withdraw(request: HttpRequest, parameter_id: int) -> HttpResponse:
    actions.do_withdraw_parameter(staff_user(request), _proposal(request, parameter_id))
    return redirect("assistance:parameter_list")


@requires(Capability.CASE_DATA)
def household_decision(request: HttpRequest, household_id: int) -> HttpResponse:
    """The decision and its explanation: an HTMX fragment for the household page."""
    household = Household.objects.get_visible(staff_user(request), pk=household_id)
    as_of = _day(request.GET.get("as_of"), clock.today())
    result = explain_household(household, as_of)
    return render(
        request,
        "assistance/_household_decision.html",
        {"household": household, "result": result, "as_of": as_of, "raw": json.dumps(result)},
    )
