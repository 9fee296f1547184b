"""Reading the figures: frozen for a closed month, computed live otherwise; always scoped."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from minzheng.accounts.scope import ScopedActor
from minzheng.core.yearmonth import YearMonth
from minzheng.dashboard.indicators import MONEY, Figures, compute_month, jsonable
from minzheng.dashboard.models import (
    ClosedMonth,
    MonthlyFigures,
    ProvisionalFigures,
    ProvisionalMonth,
)
from minzheng.payments.models import PaymentLine, Roll


def is_closed(month: YearMonth) -> bool:
    return ClosedMonth.objects.filter(month=month.first_day(), reopened=False).exists()


def _decimals(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (Decimal(v) if k in MONEY else v) for k, v in values.items()}


def refresh_month(month: YearMonth) -> dict[str, dict[str, Any]]:
    """Compute an open month and keep the result (ProvisionalMonth), replacing an older one."""
    started = timezone.now()
    raw = jsonable(compute_month(month))
    try:
        with transaction.atomic():
            # A write that marked the month stale after this computation began may be missing
            # from it: the new figures stay marked, so the next refresh computes them again.
            marked = (
                ProvisionalMonth.objects.select_for_update()
                .filter(month=month.first_day(), stale_since__gte=started)
                .values_list("stale_since", flat=True)
                .first()
            )
            ProvisionalMonth.objects.filter(month=month.first_day()).delete()
            kept = ProvisionalMonth.objects.create(
                month=month.first_day(), computed_at=started, stale_since=marked
            )
            ProvisionalFigures.objects.bulk_create(
                ProvisionalFigures(computed=kept, region_id=code, figures=values)
                for code, values in raw.items()
            )
    except IntegrityError:  # another request kept the same month first: theirs stands
        pass
    return raw


def kept_month(month: YearMonth) -> ProvisionalMonth | None:
    """The open month's kept figures' record: when they were computed and whether a write has
    changed the month since (None: closed, or never computed)."""
    return ProvisionalMonth.objects.filter(month=month.first_day()).first()


def forget_month(month: YearMonth) -> None:
    """Drop an open month's kept figures: the next read computes it again."""
    ProvisionalMonth.objects.filter(month=month.first_day()).delete()


def month_figures(month: YearMonth) -> Figures:
    """Every region's figures for the month, money as Decimal: a closed month's snapshot; an open
    month's kept figures whatever their age (dashboard/freshness.py refreshes them), computed
    now and kept only when the month was never computed."""
    if is_closed(month):
        raw = {
            s.region_id: s.figures for s in MonthlyFigures.objects.filter(month=month.first_day())
        }
    else:
        kept = ProvisionalMonth.objects.filter(month=month.first_day()).first()
        if kept is not None:
            raw = {r.region_id: r.figures for r in ProvisionalFigures.objects.filter(computed=kept)}
        else:
            raw = refresh_month(month)
    return {code: _decimals(values) for code, values in raw.items()}


def region_history(
    region: str, months: list[YearMonth], known: dict[YearMonth, Figures] | None = None
) -> list[dict[str, Any]]:
    """One region's figures for each month, as `month_figures(m)[region]` gives them: closed
    months from their snapshots in one query (that region's rows only), open months computed —
    or taken from `known`, figures the caller already has for a month."""
    known = known or {}
    closed = set(
        ClosedMonth.objects.filter(
            month__in=[m.first_day() for m in months], reopened=False
        ).values_list("month", flat=True)
    )
    frozen = {
        s.month: s.figures
        for s in MonthlyFigures.objects.filter(region_id=region, month__in=closed)
    }
    open_months = [m.first_day() for m in months if m.first_day() not in closed]
    kept = set(
        ProvisionalMonth.objects.filter(month__in=open_months).values_list("month", flat=True)
    )
    provisional = {
        r.computed.month: r.figures
        for r in ProvisionalFigures.objects.filter(
            computed__month__in=kept, region_id=region
        ).select_related("computed")
    }
    out = []
    for m in months:
        if m.first_day() in closed:
            out.append(_decimals(frozen.get(m.first_day(), {})))
        elif m in known:
            out.append(known[m].get(region, {}))
        elif m.first_day() in kept:
            out.append(_decimals(provisional.get(m.first_day(), {})))
        else:
            out.append(month_figures(m).get(region, {}))
    return out


def replayed_months(months: list[YearMonth]) -> int:
    """How many of `months` have spending in the ledger: an approved roll, or payments imported
    from the former system."""
    from minzheng.adoption.models import LegacyPayment

    firsts = [m.first_day() for m in months]
    rolled = set(
        Roll.objects.filter(
            month__in=firsts, status__in=(Roll.Status.APPROVED, Roll.Status.EXPORTED)
        ).values_list("month", flat=True)
    )
    legacy = set(
        LegacyPayment.objects.filter(month__in=firsts, status="paid")
        .values_list("month", flat=True)
        .distinct()
    )
    return len(rolled | legacy)


def scoped(actor: ScopedActor, figures: Figures) -> Figures:
    return {code: values for code, values in figures.items() if actor.covers(code)}


def ledger_total(county_code: str, month: YearMonth) -> Decimal:
    """What the approved rolls of a county paid in the month for the programmes the report shows
    (低保, 特困, 临时救助): the figure the report must match."""
    fen = sum(
        PaymentLine.objects.filter(
            roll__county_id=county_code,
            roll__month=month.first_day(),
            roll__status__in=(Roll.Status.APPROVED, Roll.Status.EXPORTED),
            kind__in=("benefit", "price_subsidy", "temporary"),
            programme__in=("dibao", "tekun", "linshi"),
        ).values_list("amount_fen", flat=True)
    )
    return Decimal(fen) / 100


def trend(
    actor: ScopedActor, region: str, last: YearMonth, months: int = 12
) -> list[dict[str, Any]]:
    out = []
    for i in range(months - 1, -1, -1):
        month = last - i
        values = month_figures(month).get(region, {})
        out.append({"month": str(month), **values})
    return out
