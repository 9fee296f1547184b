"""低保抽查 pages: the county's monthly draws, drawing this month, and the households drawn."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from minzheng.accounts.decorators import requires, staff_user
from minzheng.accounts.roles import Capability
from minzheng.applications.models import SpotCheck
from minzheng.applications.spot_checks import do_draw_spot_check, visible_spot_checks
from minzheng.assistance.models import Enrolment
from minzheng.core import clock
from minzheng.core.errors import NotFound
from minzheng.core.yearmonth import YearMonth
from minzheng.regions.models import Level


@requires(Capability.CASE_DATA)
def spot_checks(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    month = YearMonth.of(clock.today())
    if request.method == "POST":
        check = do_draw_spot_check(user, month)
        return HttpResponseRedirect(reverse("applications:spot_check_detail", args=[check.pk]))
    checks = list(visible_spot_checks(user).select_related("county", "drawn_by")[:120])
    may_draw = user.can(Capability.APPROVE) and user.region.level == Level.COUNTY
    drawn_this_month = any(
        c.month == month.first_day() and c.county_id == user.region_id for c in checks
    )
    return render(
        request,
        "applications/spot_checks.html",
        {
            "checks": checks,
            "month": month,
            "may_draw": may_draw and not drawn_this_month,
        },
    )


@requires(Capability.CASE_DATA)
def spot_check_detail(request: HttpRequest, check_id: int) -> HttpResponse:
    user = staff_user(request)
    try:
        check = visible_spot_checks(user).select_related("county", "drawn_by").get(pk=check_id)
    except SpotCheck.DoesNotExist as exc:
        raise NotFound("记录不存在或不在您的管辖范围内") from exc
    items = check.items.filter(enrolment__in=Enrolment.objects.visible_to(user)).select_related(
        "enrolment__household__head", "enrolment__region__parent", "review"
    )
    return render(request, "applications/spot_check_detail.html", {"check": check, "items": items})
