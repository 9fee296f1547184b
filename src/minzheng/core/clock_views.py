"""The demo clock's page and its header badge (demo mode only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from minzheng.core import audit, clock
from minzheng.core.errors import DomainError, PermissionDenied
from minzheng.core.models import AuditEvent


def demo_clock_context(request: HttpRequest) -> dict[str, object]:
    return {"demo_today": clock.today() if clock.demo_mode() else None}


def _may_set(user: Any) -> bool:
    # The city administrator (policy) or the system administrator: an administrator's switch.
    if not getattr(user, "is_authenticated", False):
        return False
    if user.can("manage_users"):
        return True
    return bool(user.can("manage_parameters") and user.region.level == "city")


def demo_clock(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _may_set(user):
        raise PermissionDenied("只有市级管理员或系统管理员可以调整演示日期")
    if not clock.demo_mode():
        raise PermissionDenied("仅演示模式可以调整平台日期")
    if request.method == "POST":
        before = clock.today()
        try:
            day = date.fromisoformat(request.POST.get("date", "").strip())
        except ValueError:
            messages.error(request, "日期格式应为 YYYY-MM-DD")
            return redirect("demo_clock")
        try:
            clock.set_demo_date(day)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("demo_clock")
        audit.record(
            user,  # an authenticated staff user (checked above)
            AuditEvent.Action.UPDATE,
            "demo_clock",
            summary=f"演示日期由 {before} 调整为 {day}",
            before={"date": str(before)},
            after={"date": str(day)},
            request=request,
        )
        messages.success(request, f"平台日期已调整为 {day}")
        return redirect("demo_clock")
    return render(
        request,
        "core/demo_clock.html",
        {"today": clock.today(), "real_today": timezone.localdate()},
    )
