"""Closing a month (freezing its figures) and reopening it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.core import audit
from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth
from minzheng.dashboard.indicators import compute_month, jsonable
from minzheng.dashboard.models import ClosedMonth, MonthlyFigures
from minzheng.dashboard.queries import forget_month, is_closed, refresh_month


def _require_city(actor: User | None) -> None:
    if actor is not None and not (
        actor.can(Capability.VIEW_STATISTICS) and actor.region.level == "city"
    ):
        raise PermissionDenied("只有市级统计人员可以关账、重新打开月份或重新计算")


def do_close_month(actor: User | None, month: YearMonth) -> int:
    """Freeze every region's figures for `month`. A closed month is left as it is: running this
    again changes nothing until the month is reopened. Returns the snapshots written."""
    _require_city(actor)
    if month >= YearMonth.of(timezone.localdate()):
        raise ValidationFailed("只能关账已经结束的月份", code="month_not_over")
    with transaction.atomic():
        closed = ClosedMonth.objects.select_for_update().filter(month=month.first_day()).first()
        if closed is not None and not closed.reopened:
            return 0
        figures = jsonable(compute_month(month))
        now = timezone.now()
        MonthlyFigures.objects.filter(month=month.first_day()).delete()
        MonthlyFigures.objects.bulk_create(
            MonthlyFigures(region_id=code, month=month.first_day(), figures=values, computed_at=now)
            for code, values in figures.items()
        )
        ClosedMonth.objects.update_or_create(
            month=month.first_day(),
            defaults={"closed_at": now, "closed_by": actor, "reopened": False},
        )
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "statistics_month",
            str(month),
            summary=f"{month} 统计关账：冻结 {len(figures)} 个区划的指标",
        )
    return len(figures)


def do_reopen_month(actor: User, month: YearMonth, *, reason: str) -> ClosedMonth:
    """Let a closed month be computed again (the old snapshot stays until the next close)."""
    _require_city(actor)
    if not reason.strip():
        raise ValidationFailed("请填写重新打开的理由", code="reason_missing")
    with transaction.atomic():
        closed = ClosedMonth.objects.select_for_update().filter(month=month.first_day()).first()
        if closed is None or closed.reopened:
            raise ValidationFailed("该月份未关账", code="not_closed")
        closed.reopened = True
        closed.save(update_fields=["reopened"])
        forget_month(month)  # figures kept from before the close are not read again
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            "statistics_month",
            str(month),
            summary=f"{month} 统计重新打开：{reason.strip()[:200]}",
        )
    return closed


def do_refresh_month(actor: User, month: YearMonth) -> None:
    """Compute an open month again now (重新计算, the city's statistics administrators), instead
    of waiting for the statistics_refresh job."""
    _require_city(actor)
    if is_closed(month):
        raise ValidationFailed("该月份已关账，指标已冻结；需要更正请先重新打开", code="closed")
    refresh_month(month)
