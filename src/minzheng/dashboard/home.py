"""Each role's home page (工作台)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from minzheng.accounts.decorators import staff_user
from minzheng.accounts.models import AccessRequest, LoginLog, LoginThrottle, User
from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import ScopedActor, scope_q
from minzheng.core.models import AuditEvent
from minzheng.dashboard.indicators import Hierarchy
from minzheng.dashboard.models import RegionCount
from minzheng.registry.models import Household, Person


def count_regions() -> tuple[dict[str, tuple[int, int]], datetime]:
    """Persons and households per region code (the rows' own region), counted by one grouped
    query on each table's region index, and kept (RegionCount)."""
    persons = dict(Person.objects.order_by().values_list("region_id").annotate(n=Count("id")))
    households = dict(Household.objects.order_by().values_list("region_id").annotate(n=Count("id")))
    now = timezone.now()
    counts = {c: (persons.get(c, 0), households.get(c, 0)) for c in persons.keys() | households}
    try:
        with transaction.atomic():
            RegionCount.objects.all().delete()
            RegionCount.objects.bulk_create(
                RegionCount(region_id=c, persons=p, households=h, counted_at=now)
                for c, (p, h) in counts.items()
            )
    except IntegrityError:  # another request counted at the same time: theirs stands
        pass
    return counts, now


def region_counts(actor: ScopedActor) -> tuple[dict[str, tuple[int, int]], datetime | None]:
    """The kept counts of the regions in the actor's scope (read by the region index), whatever
    their age — the statistics_refresh job counts again once they have aged
    (dashboard/freshness.py) — with when they were counted; counted now only when nothing is kept."""
    if not RegionCount.objects.exists():
        count_regions()
    kept = list(
        RegionCount.objects.filter(scope_q(actor)).values_list(
            "region_id", "persons", "households", "counted_at"
        )
    )
    counted_at = min((row[3] for row in kept), default=None)
    return {code: (p, h) for code, p, h, _ in kept}, counted_at


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    cards: list[tuple[str, object, str]] = []
    by_region: list[dict[str, object]] = []
    counted_at = None
    if user.can(Capability.CASE_DATA):
        mine, counted_at = region_counts(user)  # the scope of visible_to
        cards += [
            ("在册人员", sum(p for p, _ in mine.values()), "人"),
            ("家庭户", sum(h for _, h in mine.values()), "户"),
        ]
        # One level below the user's own: counties for the city (the grandparent of a person's
        # village), townships for a county (the parent), else the person's own region.
        up = {"city": 2, "county": 1}.get(user.region.level, 0)
        tree = Hierarchy.load()
        groups: dict[str | None, int] = defaultdict(int)
        for code, (p, _) in mine.items():
            if not p:
                continue
            at: str | None = code
            for _ in range(up):
                at = tree.parent.get(at) if at else None
            groups[tree.name.get(at) if at else None] += p
        by_region = [
            {"name": name, "n": n} for name, n in sorted(groups.items(), key=lambda kv: -kv[1])[:12]
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
    return render(
        request,
        "dashboard/workbench.html",
        {"cards": cards, "by_region": by_region, "counted_at": counted_at},
    )
