"""统计分析: the dashboard with drill-down and the map, the 大屏 view, the monthly report, the
indicator definitions, and closing a month. Everything is scoped to the viewer's region."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.core.errors import DomainError, NotFound
from minzheng.core.exports import xlsx_response
from minzheng.core.yearmonth import YearMonth
from minzheng.dashboard.actions import do_close_month, do_refresh_month, do_reopen_month
from minzheng.dashboard.article import ARTICLE_MONTH, article_figures
from minzheng.dashboard.indicators import BY_CODE, INDICATORS, MONEY, Hierarchy, regions_under
from minzheng.dashboard.models import ClosedMonth
from minzheng.dashboard.queries import (
    is_closed,
    kept_month,
    month_figures,
    region_history,
    replayed_months,
)
from minzheng.dashboard.report import monthly_report
from minzheng.dashboard.suppression import Cell, publish, suppressed

CARDS = (
    "dibao_persons",
    "dibao_households",
    "tekun_persons",
    "dibian_households",
    "single_person",
    "gradual_exit",
    "warnings_raised",
    "warnings_overdue",
    "medical_assistance_paid",
    "ertong_persons",
    "gaoling_persons",
    "meal_persons",
)
TABLE = (
    "dibao_households",
    "dibao_persons",
    "single_person",
    "gradual_exit",
    "dibian_households",
    "tekun_persons",
    "new_cases",
    "exits",
    "dibao_funds",
    "dibao_price_subsidy",
    "tekun_funds",
    "temporary_funds",
    "applications_received",
    "applications_decided",
    "warnings_raised",
    "warnings_handled",
    "warnings_overdue",
    "medical_assistance_paid",
    "ertong_persons",
    "gaoling_persons",
    "meal_persons",
)
CHILD_LEVEL = {"city": "county", "county": "township"}


def _month(request: HttpRequest) -> YearMonth:
    text = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in text.split("-"))
        return YearMonth(year, month)
    except ValueError:
        return YearMonth.of(timezone.localdate()) - 1


def _region(request: HttpRequest, tree: Hierarchy) -> str:
    user = staff_user(request)
    wanted = request.GET.get("region") or user.region_id
    if wanted not in tree.level or not user.covers(wanted) or tree.level[wanted] == "village":
        raise NotFound("区划不存在或不在您的管辖范围内")
    return wanted


def _cell(values: dict[str, Any], code: str) -> Any:
    value = values.get(code, 0)
    return f"{Decimal(value):.2f}" if code in MONEY else value


def _breadcrumbs(request: HttpRequest, tree: Hierarchy, region: str) -> list[tuple[str, str]]:
    user = staff_user(request)
    return [(c, tree.name[c]) for c in reversed(tree.chain(region)) if user.covers(c)]


def _context(request: HttpRequest) -> dict[str, Any]:
    tree = Hierarchy.load()
    region = _region(request, tree)
    month = _month(request)
    figures = month_figures(month)
    mine = figures.get(region, {})
    child_level = CHILD_LEVEL.get(tree.level[region])
    children = list(regions_under(tree, region, child_level)) if child_level else []
    rows = [
        (code, tree.name[code], [_cell(figures.get(code, {}), k) for k in TABLE])
        for code in children
    ]
    months = [month - i for i in range(11, -1, -1)]
    history = region_history(region, months, {month: figures})
    funds = (
        "dibao_funds",
        "dibao_price_subsidy",
        "tekun_funds",
        "tekun_price_subsidy",
        "temporary_funds",
    )
    data = {
        "trend": {
            "months": [str(m) for m in months],
            "dibao_persons": [h.get("dibao_persons", 0) for h in history],
            "tekun_persons": [h.get("tekun_persons", 0) for h in history],
            "funds_wan": [
                float(sum((Decimal(h.get(k, 0)) for k in funds), Decimal(0)) / 10000)
                for h in history
            ],
        },
        "composition": [
            {"name": BY_CODE[k].name, "value": float(Decimal(mine.get(k, 0)))} for k in funds
        ],
        "map": [
            {
                "name": tree.name[c],
                "value": figures.get(c, {}).get("dibao_persons", 0),
                "url": f"{reverse('dashboard:home')}?region={c}&month={month}",
            }
            for c in children
        ]
        if tree.level[region] == "city"
        else [],
    }
    article = (
        article_figures(mine, history, replayed_months(months))
        if tree.level[region] == "city" and month == ARTICLE_MONTH
        else None
    )
    return {
        "article": article,
        "article_month": ARTICLE_MONTH if tree.level[region] == "city" else None,
        "region": region,
        "region_name": tree.name[region],
        "breadcrumbs": _breadcrumbs(request, tree, region),
        "month": month,
        "closed": is_closed(month),
        "kept": kept_month(month),
        "max_age_minutes": settings.STATISTICS_MAX_AGE_SECONDS // 60,
        "cards": [(BY_CODE[k], _cell(mine, k)) for k in CARDS],
        "headers": [BY_CODE[k] for k in TABLE],
        "rows": rows,
        "data": data,
        "show_map": tree.level[region] == "city",
        "can_close": staff_user(request).region.level == "city",
        "child_level": child_level,
    }


@requires(Capability.VIEW_STATISTICS)
def home(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    if request.GET.get("format") == "xlsx":
        return _export(request, context)
    return render(request, "dashboard/home.html", context)


@requires(Capability.VIEW_STATISTICS)
def screen(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/screen.html", _context(request))


def _export(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    """Figures that leave the bureau: counts under 5 suppressed below county level, with
    secondary suppression across each indicator's column (its total is the parent's figure)."""
    rows = context["rows"]
    headers = context["headers"]
    published = [list(r[2]) for r in rows]
    if context["child_level"] == "township":
        for column, indicator in enumerate(headers):
            if indicator.unit in ("元", "天"):
                continue
            cells = [Cell(i, int(r[2][column])) for i, r in enumerate(rows)]
            hidden = suppressed([cells])
            shown = publish({c.key: c.value for c in cells}, hidden)
            for i in range(len(rows)):
                published[i][column] = shown[i]
    return xlsx_response(
        staff_user(request),
        request,
        filename=f"民政统计{context['region_name']}{context['month']}.xlsx",
        object_type="statistics",
        headers=["区划代码", "区划", *[f"{h.name}（{h.unit}）" for h in headers]],
        rows=(
            [code, name, *values] for (code, name, _), values in zip(rows, published, strict=True)
        ),
    )


@requires(Capability.VIEW_STATISTICS)
def report(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    tree = Hierarchy.load()
    month = _month(request)
    counties = [c for c in regions_under(tree, "330200000000", "county") if user.covers(c)] or (
        [tree.chain(user.region_id)[-2]] if len(tree.chain(user.region_id)) > 1 else []
    )
    county = request.GET.get("county") or (counties[0] if counties else "")
    if county not in counties:
        raise NotFound("区划不存在或不在您的管辖范围内")
    result = monthly_report(month_figures(month), tree, county, month)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            user,
            request,
            filename=f"民政统计月报{result.county_name}{month}.xlsx",
            object_type="statistics_report",
            headers=["指标代码", "指标名称", "计量单位", "本月数"],
            rows=([r.code, r.name.strip("　 "), r.unit, str(v)] for r, v in result.rows),
        )
    return render(
        request,
        "dashboard/report.html",
        {
            "report": result,
            "counties": [(c, tree.name[c]) for c in counties],
            "closed": is_closed(month),
        },
    )


@requires(Capability.VIEW_STATISTICS)
def definitions(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/definitions.html", {"indicators": INDICATORS})


@require_POST
@requires(Capability.VIEW_STATISTICS)
def close_month(request: HttpRequest) -> HttpResponse:
    text = request.POST.get("month", "")
    try:
        year, number = (int(part) for part in text.split("-"))
        month = YearMonth(year, number)
        if request.POST.get("reopen"):
            do_reopen_month(staff_user(request), month, reason=request.POST.get("reason", ""))
        else:
            do_close_month(staff_user(request), month)
    except ValueError:
        return render(
            request, "core/error.html", {"error": DomainError("月份应为 YYYY-MM")}, status=400
        )
    except DomainError as exc:
        return render(request, "core/error.html", {"error": exc}, status=exc.status)
    return redirect(f"{reverse('dashboard:home')}?month={month}")


def closed_months() -> list[ClosedMonth]:
    return list(ClosedMonth.objects.order_by("-month")[:24])


@require_POST
@requires(Capability.VIEW_STATISTICS)
def refresh(request: HttpRequest) -> HttpResponse:
    try:
        month = YearMonth.parse(request.POST.get("month", ""))
        region = request.POST.get("region", "")
        do_refresh_month(staff_user(request), month)
    except ValueError:
        return render(
            request, "core/error.html", {"error": DomainError("月份应为 YYYY-MM")}, status=400
        )
    except DomainError as exc:
        return render(request, "core/error.html", {"error": exc}, status=exc.status)
    where = f"region={region}&" if region.isdigit() else ""
    return redirect(f"{reverse('dashboard:home')}?{where}month={month}")
