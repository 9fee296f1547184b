"""Stale-while-revalidate for the figures of open months and the workbench's counts.

A page never computes a month it has figures for: it reads what was kept, whatever its age, and
says when it was computed. A write that changes a month's figures marks that month stale — one
UPDATE of a table with a row per kept month, nothing computed inside the request. The
`statistics_refresh` job (an interval schedule) computes stale months again, and also months kept
longer than settings.STATISTICS_MAX_AGE_SECONDS (bulk writes send no model signals), keeps this
month and last month computed (the dashboard opens on last month), and counts the workbench's
persons and households again once they have aged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from minzheng.core.yearmonth import YearMonth
from minzheng.dashboard.models import ClosedMonth, ProvisionalMonth, RegionCount


def on_commit_mark_stale(first: date | None = None, last: date | None = None) -> None:
    """mark_stale once the write commits: marked at commit time, a month whose computation began
    before the write became visible stays stale after it (queries.refresh_month)."""
    transaction.on_commit(lambda: mark_stale(first, last))


def mark_stale(first: date | None = None, last: date | None = None) -> int:
    """Mark the kept months from `first` to `last` (inclusive; None: unbounded) stale. Returns
    how many were marked (a month already stale keeps the time it was first marked)."""
    kept = ProvisionalMonth.objects.filter(stale_since__isnull=True)
    if first is not None:
        kept = kept.filter(month__gte=YearMonth.of(first).first_day())
    if last is not None:
        kept = kept.filter(month__lte=YearMonth.of(last).first_day())
    return kept.update(stale_since=timezone.now())


def _aged_before() -> datetime:
    return timezone.now() - timedelta(seconds=settings.STATISTICS_MAX_AGE_SECONDS)


def months_to_refresh(today: date) -> list[YearMonth]:
    """Open months whose kept figures are stale or aged, and this month and last month when
    nothing is kept for them; oldest first."""
    closed = set(ClosedMonth.objects.filter(reopened=False).values_list("month", flat=True))
    due = {
        m
        for m in ProvisionalMonth.objects.filter(
            Q(stale_since__isnull=False) | Q(computed_at__lt=_aged_before())
        ).values_list("month", flat=True)
    }
    this = YearMonth.of(today)
    kept = set(ProvisionalMonth.objects.values_list("month", flat=True))
    due |= {m.first_day() for m in (this - 1, this) if m.first_day() not in kept}
    return [YearMonth.of(m) for m in sorted(due - closed)]


@dataclass
class RefreshResult:
    months: list[str] = field(default_factory=list)
    counted: bool = False

    @property
    def summary(self) -> str:
        months = "、".join(self.months) or "无"
        counts = "，在册人数已重新统计" if self.counted else ""
        return f"重新计算统计月份：{months}{counts}"


def do_refresh_stale(today: date) -> RefreshResult:
    """What the statistics_refresh job does: every month due (months_to_refresh) computed again
    and kept, and the workbench's counts counted again once they have aged."""
    from minzheng.dashboard.home import count_regions
    from minzheng.dashboard.queries import refresh_month

    result = RefreshResult()
    for month in months_to_refresh(today):
        refresh_month(month)
        result.months.append(str(month))
    oldest = min(RegionCount.objects.values_list("counted_at", flat=True), default=None)
    if oldest is None or oldest < _aged_before():
        count_regions()
        result.counted = True
    return result


# ── which writes change which months ─────────────────────────────────────────────────────────


def _month_of(value: Any) -> date | None:
    if isinstance(value, datetime):
        return timezone.localdate(value)
    return value if isinstance(value, date) else None


def _from(*values: Any) -> tuple[date | None, date | None] | None:
    """From the earliest of `values` on (an enrolment, an overdue warning: every later month)."""
    days = [d for d in map(_month_of, values) if d is not None]
    return (min(days), None) if days else None


def _each(instance: Model, *values: Any) -> None:
    for day in map(_month_of, values):
        if day is not None:
            on_commit_mark_stale(day, day)


def _enrolment(instance: Any, **_: Any) -> None:
    span = _from(instance.start_month)
    if span:
        on_commit_mark_stale(*span)


def _roll(instance: Any, **_: Any) -> None:
    _each(instance, instance.month)


def _application(instance: Any, **_: Any) -> None:
    _each(instance, instance.submitted_on, instance.decided_on)


def _warning(instance: Any, **_: Any) -> None:
    span = _from(instance.month, instance.closed_at)
    if span:
        on_commit_mark_stale(*span)


def _settlement(instance: Any, **_: Any) -> None:
    _each(instance, instance.settled_on)


def _meal(instance: Any, **_: Any) -> None:
    _each(instance, instance.day)


def _legacy_payment(instance: Any, **_: Any) -> None:
    _each(instance, instance.month)


def _hukou(instance: Any, update_fields: Any = None, created: bool = False, **_: Any) -> None:
    # Urban and rural 低保 follow the head's 户口性质: a person's other edits change no figure.
    if not created and (update_fields is None or "hukou_type" in update_fields):
        on_commit_mark_stale()


def _head(instance: Any, update_fields: Any = None, created: bool = False, **_: Any) -> None:
    if not created and (update_fields is None or "head" in update_fields):
        on_commit_mark_stale()


def connect() -> None:
    """Hook the writes that change figures (called from DashboardConfig.ready)."""
    from minzheng.adoption.models import LegacyPayment
    from minzheng.applications.models import Application
    from minzheng.assistance.models import Enrolment
    from minzheng.eldercare.models import MealRecord
    from minzheng.medical.models import Settlement
    from minzheng.monitoring.models import Warning
    from minzheng.payments.models import Roll
    from minzheng.registry.models import Household, Person

    for model, receiver in (
        (Enrolment, _enrolment),
        (Roll, _roll),
        (Application, _application),
        (Warning, _warning),
        (Settlement, _settlement),
        (MealRecord, _meal),
        (LegacyPayment, _legacy_payment),
    ):
        post_save.connect(receiver, sender=model, dispatch_uid=f"statistics_stale_{model.__name__}")
        post_delete.connect(
            receiver, sender=model, dispatch_uid=f"statistics_stale_del_{model.__name__}"
        )
    post_save.connect(_hukou, sender=Person, dispatch_uid="statistics_stale_Person")
    post_save.connect(_head, sender=Household, dispatch_uid="statistics_stale_Household")
