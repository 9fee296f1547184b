"""Reads for the warnings queue: always through the scoped read (`visible_to`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Q, Subquery

from minzheng.accounts.roles import Capability
from minzheng.accounts.scope import ScopedActor
from minzheng.monitoring.models import Closure, Kind, Warning, WarningQuerySet


@dataclass(frozen=True)
class QueueStats:
    total: int
    open: int
    overdue: int
    closed: int
    false_positive: int
    by_kind: list[tuple[str, str, int, int]]  # code, label, open, total
    by_closure: list[tuple[str, int]]  # label, count

    def count_of(self, status: str) -> int | None:
        """The warnings of one status ("" for all), or None for a status the figures lack."""
        if status == Warning.Status.OPEN:
            return self.open
        if status == Warning.Status.CLOSED:
            return self.closed
        return self.total if status == "" else None

    @property
    def false_positive_rate(self) -> Decimal | None:
        if not self.closed:
            return None
        return (Decimal(self.false_positive) * 100 / self.closed).quantize(Decimal("0.1"))


def warnings_for(actor: ScopedActor) -> WarningQuerySet:
    return Warning.objects.visible_to(actor)


STATS_SECONDS = 5 * 60  # the longest a cached copy of the figures is kept


def queue_stats(actor: ScopedActor, today: date) -> QueueStats:
    """The queue's figures for the actor's scope on `today`, computed once for the warnings as
    they are.

    A warning is written twice at most: created (a monitor run), then closed (`do_close_warning`,
    which sets `closed_at`); nothing deletes one. So the newest warning (its id and creation
    time) and the latest closure say whether anything the figures count has changed, in one read
    of two indexes; they key a cached copy. A city's figures read every warning in the city
    (20,000 at 1M persons: 11 ms), the key one row of each index. A warning committed after a
    newer one (two monitor runs at once) can be missed by the key: the copy expires after
    `STATS_SECONDS`."""
    if not actor.can(Capability.CASE_DATA):
        return _queue_stats(actor, today)
    closed = Warning.objects.filter(closed_at__isnull=False).order_by("-closed_at")
    mark = (
        Warning.objects.order_by("-id")
        .values_list("id", "created_at", Subquery(closed.values("closed_at")[:1]))
        .first()
    )
    unit = actor.scope_code()
    parts = [v.timestamp() if isinstance(v, datetime) else v for v in mark or ()]
    key = f"warning-stats:{unit.code}:{unit.level}:{today:%Y%m%d}:" + ":".join(map(str, parts))
    stats: QueueStats | None = cache.get(key)
    if stats is None:
        stats = _queue_stats(actor, today)
        cache.set(key, stats, timeout=STATS_SECONDS)
    return stats


def _queue_stats(actor: ScopedActor, today: date) -> QueueStats:
    """The queue's figures from one grouped read of the scope (three reads of every warning in a
    city's scope before: the totals, by kind, by closure)."""
    open_q = Q(status=Warning.Status.OPEN)
    groups = (
        warnings_for(actor)
        .order_by()
        .values("kind", "status", "closure")
        # Counted on `kind` (never null, in the index) so that the index alone answers.
        .annotate(n=Count("kind"), overdue=Count("kind", filter=open_q & Q(deadline__lt=today)))
    )
    total = open_count = overdue = closed = 0
    kind_total: dict[str, int] = {}
    kind_open: dict[str, int] = {}
    closures: dict[str, int] = {}
    for row in groups:
        n = row["n"]
        total += n
        overdue += row["overdue"]
        kind_total[row["kind"]] = kind_total.get(row["kind"], 0) + n
        if row["status"] == Warning.Status.OPEN:
            open_count += n
            kind_open[row["kind"]] = kind_open.get(row["kind"], 0) + n
        elif row["status"] == Warning.Status.CLOSED:
            closed += n
        if row["closure"]:
            closures[row["closure"]] = closures.get(row["closure"], 0) + n
    return QueueStats(
        total=total,
        open=open_count,
        overdue=overdue,
        closed=closed,
        false_positive=closures.get(Closure.FALSE_POSITIVE, 0),
        by_kind=[
            (code, label, kind_open.get(code, 0), kind_total.get(code, 0))
            for code, label in Kind.choices
        ],
        by_closure=[(label, closures.get(code, 0)) for code, label in Closure.choices],
    )
