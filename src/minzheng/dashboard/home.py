"""Each role's home page (工作台)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from minzheng.accounts.decorators import staff_user
from minzheng.accounts.models import AccessRequest, LoginLog, LoginThrottle, User
from minzheng.accounts.roles import Capability
from minzheng.core.models import AuditEvent
from minzheng.registry.models import Household, Person


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    cards: list[tuple[str, object, str]] = []
    by_region: list[dict[str, object]] = []
    if user.can(Capability.CASE_DATA):
        persons = Person.objects.visible_to(user)
        cards += [
            ("在册人员", persons.count(), "人"),
            ("家庭户", Household.objects.visible_to(user).count(), "户"),
        ]
        # One level below the user's own: counties for the city, townships for a county …
        group = {"city": "region__parent__parent__name", "county": "region__parent__name"}.get(
            user.region.level, "region__name"
        )
        by_region = [
            {"name": row[group], "n": row["n"]}
            for row in persons.values(group).annotate(n=Count("id")).order_by("-n")[:12]
        ]
    if user.can(Capability.VIEW_AUDIT):
        cards.append(("审计事件", AuditEvent.objects.count(), "条"))
        cards.append(
            ("明文查看", AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_PII).count(), "次")
        )
    if user.can(Capability.MANAGE_SECURITY):
        cards.append(
            (
                "待审批授权",
                AccessRequest.objects.filter(status=AccessRequest.Status.PENDING).count(),
                "项",
            )
        )
        cards.append(
            (
                "受限登录来源",
                LoginThrottle.objects.filter(blocked_until__gt=timezone.now()).count(),
                "个",
            )
        )
        cards.append(
            (
                "今日登录失败",
                LoginLog.objects.filter(success=False, at__date=timezone.localdate()).count(),
                "次",
            )
        )
    if user.can(Capability.MANAGE_USERS):
        cards.append(("工作人员账号", User.objects.count(), "个"))
    return render(request, "dashboard/workbench.html", {"cards": cards, "by_region": by_region})
