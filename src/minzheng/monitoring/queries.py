"""Reads for the warnings queue: always through the scoped read (`visible_to`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

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


def queue_stats(actor: ScopedActor, today: date) -> QueueStats:
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
