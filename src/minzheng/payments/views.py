"""Payment pages: HTTP only — parse, call one action or query, render."""

from __future__ import annotations

import csv
import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.core.errors import ValidationFailed
from minzheng.core.exports import xlsx_response
from minzheng.core.yearmonth import YearMonth
from minzheng.payments import actions, queries
from minzheng.payments.models import PriceIndex, Roll


def _month(request: HttpRequest) -> YearMonth:
    try:
        return YearMonth.parse(request.GET.get("month", ""))
    except ValueError:
        return YearMonth(2020, 3)


@requires(Capability.CASE_DATA)
def roll_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(
        request,
        "payments/roll_list.html",
        {"rolls": queries.rolls_for(user)[:100], "can_approve": user.can(Capability.APPROVE)},
    )


@require_POST
@requires(Capability.APPROVE)
def roll_approve(request: HttpRequest, roll_id: int) -> HttpResponse:
    user = staff_user(request)
    actions.do_approve_roll(user, Roll.objects.get_visible(user, pk=roll_id))
    return redirect("payments:roll_list")


@requires(Capability.VIEW_STATISTICS)
def reports(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    month = _month(request)
    level = "township" if request.GET.get("level") == "township" else "county"
    rows = queries.monthly_totals(user, month, level=level)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            user,
            request,
            filename=f"资金发放统计{month}.xlsx",
            object_type="payment_report",
            headers=["区划代码", "区划", "救助项目", "类别", "笔数", "金额（元）"],
            rows=([r.key, r.name, r.programme, r.kind, r.count, r.amount] for r in rows),
        )
    year = queries.year_by_month(user, month.year)
    return render(
        request,
        "payments/reports.html",
        {"rows": rows, "month": month, "level": level, "year": year},
    )


@requires(Capability.CASE_DATA)
def payee_history(request: HttpRequest, person_id: int) -> HttpResponse:
    lines = queries.payee_history(staff_user(request), person_id)
    return render(request, "payments/payee_history.html", {"lines": lines})


@requires(Capability.CASE_DATA)
def exceptions(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    queue = actions.exception_queue(user.region_id) if user.region.level != "city" else []
    return render(request, "payments/exceptions.html", {"queue": queue})


@requires(Capability.VIEW_STATISTICS)
def price_indices(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    message = ""
    if request.method == "POST" and user.can(Capability.MANAGE_PARAMETERS):
        upload = request.FILES.get("file")
        if upload is not None:
            rows = list(csv.reader(io.StringIO(upload.read().decode("utf-8-sig"))))
            result = actions.do_import_price_indices(
                user, rows, region_code="330200", source=request.POST.get("source", "")
            )
            message = f"已导入 {result['saved']} 行，错误 {len(result['errors'])} 行"
        else:
            try:
                actions.do_enter_price_index(
                    user,
                    region_code="330200",
                    month=YearMonth.parse(request.POST.get("month", "")),
                    cpi_yoy=request.POST.get("cpi", ""),
                    food_cpi_yoy=request.POST.get("food", ""),
                    source=request.POST.get("source", ""),
                )
            except ValueError as exc:
                raise ValidationFailed(str(exc), code="invalid_month") from exc
            message = "已保存"
    year = _month(request).year
    return render(
        request,
        "payments/price_indices.html",
        {
            "indices": PriceIndex.objects.all()[:60],
            "report": queries.price_subsidy_report(user, year),
            "message": message,
            "can_edit": user.can(Capability.MANAGE_PARAMETERS),
        },
    )
