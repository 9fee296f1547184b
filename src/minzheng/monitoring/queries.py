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

    @property
    def false_positive_rate(self) -> Decimal | None:
        if not self.closed:
            return None
        return (Decimal(self.false_positive) * 100 / self.closed).quantize(Decimal("0.1"))


def warnings_for(actor: ScopedActor) -> WarningQuerySet:
    return Warning.objects.visible_to(actor)


def queue_stats(actor: ScopedActor, today: date) -> QueueStats:
    scoped = warnings_for(actor)
    open_q = Q(status=Warning.Status.OPEN)
    totals = scoped.aggregate(
        total=Count("id"),
        open=Count("id", filter=open_q),
        overdue=Count("id", filter=open_q & Q(deadline__lt=today)),
        closed=Count("id", filter=Q(status=Warning.Status.CLOSED)),
        false_positive=Count("id", filter=Q(closure=Closure.FALSE_POSITIVE)),
    )
    kinds = {
        row["kind"]: row
        for row in scoped.values("kind").annotate(n=Count("id"), o=Count("id", filter=open_q))
    }
    by_kind = [
        (
            code,
            label,
            kinds[code]["o"] if code in kinds else 0,
            kinds[code]["n"] if code in kinds else 0,
        )
        for code, label in Kind.choices
    ]
    closures = dict(
        scoped.exclude(closure="")
        .values_list("closure")
        .annotate(n=Count("id"))
        .values_list("closure", "n")
    )
    by_closure = [(label, closures.get(code, 0)) for code, label in Closure.choices]
    return QueueStats(
        total=totals["total"],
        open=totals["open"],
        overdue=totals["overdue"],
        closed=totals["closed"],
        false_positive=totals["false_positive"],
        by_kind=by_kind,
        by_closure=by_closure,
    )
