"""The platform's clock: every "today" and "now" a rule or a deadline depends on comes from here.

In demo mode only (`settings.DEMO_MODE`, set by `minzheng demo`), an administrator may move the
platform's date forward — so that a case can pass its 公示 days and a roll can run for the next
month — without touching the machine's clock. The offset is kept in `var/demo_clock.json`; outside
demo mode it is ignored and the clock is the real one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from minzheng.core.errors import PermissionDenied, ValidationFailed

_cache: tuple[float, int] | None = None

# A replayed day (`dated`): the history run (`minzheng seed --history`) acts on past dates through
# the platform's own actions, so every rule and deadline that asks the clock sees that day.
_dated: ContextVar[date | None] = ContextVar("clock_dated", default=None)

REPLAY_HOUR = 10  # a replayed day's actions happen at 10:00 Asia/Shanghai


@contextmanager
def dated(day: date) -> Iterator[date]:
    """Within this block `today()` is `day` and `now()` is 10:00 of it (history replay only)."""
    token = _dated.set(day)
    try:
        yield day
    finally:
        _dated.reset(token)


def demo_mode() -> bool:
    return bool(getattr(settings, "DEMO_MODE", False))


def _path() -> Path:
    return Path(settings.VAR_DIR) / "demo_clock.json"


def offset_days() -> int:
    """Days the demo clock is ahead of the real date (0 outside demo mode)."""
    global _cache
    if not demo_mode():
        return 0
    path = _path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return 0
    if _cache is not None and _cache[0] == mtime:
        return _cache[1]
    try:
        days = int(json.loads(path.read_text())["offset_days"])
    except (OSError, ValueError, KeyError, TypeError):
        days = 0
    _cache = (mtime, days)
    return days


def today() -> date:
    replayed = _dated.get()
    if replayed is not None:
        return replayed
    return timezone.localdate() + timedelta(days=offset_days())


def now() -> datetime:
    replayed = _dated.get()
    if replayed is not None:
        return timezone.make_aware(datetime.combine(replayed, time(REPLAY_HOUR)))
    return timezone.now() + timedelta(days=offset_days())


def replayed() -> date | None:
    """The replayed day inside `dated`, else None."""
    return _dated.get()


def stamp() -> datetime:
    """When a record is written: the replayed day's 10:00 inside `dated` (the history replay), else
    the real time — never the demo offset, so a demo's own records keep the machine's time. The
    default of the audit trail's `at` and of the other "written at" columns the replay fills."""
    replayed_day = _dated.get()
    if replayed_day is not None:
        return timezone.make_aware(datetime.combine(replayed_day, time(REPLAY_HOUR)))
    return timezone.now()


def set_demo_date(day: date) -> int:
    """Set the platform's date (demo mode only); returns the offset in days. The date may not go
    back before the real date: the records already written would then lie in the future."""
    global _cache
    if not demo_mode():
        raise PermissionDenied("仅演示模式可以调整平台日期")
    days = (day - timezone.localdate()).days
    if days < 0:
        raise ValidationFailed("演示日期不能早于今天的实际日期", code="clock_in_past")
    if days > 3660:
        raise ValidationFailed("演示日期不能超过实际日期十年以上", code="clock_too_far")
    _path().write_text(json.dumps({"offset_days": days}))
    _cache = None
    return days
