"""Reading the figures: frozen for a closed month, computed live otherwise; always scoped."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from minzheng.accounts.scope import ScopedActor
from minzheng.core.yearmonth import YearMonth
from minzheng.dashboard.indicators import MONEY, Figures, compute_month, jsonable
from minzheng.dashboard.models import ClosedMonth, MonthlyFigures
from minzheng.payments.models import PaymentLine, Roll


def is_closed(month: YearMonth) -> bool:
    return ClosedMonth.objects.filter(month=month.first_day(), reopened=False).exists()


def _decimals(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (Decimal(v) if k in MONEY else v) for k, v in values.items()}


def month_figures(month: YearMonth) -> Figures:
    """Every region's figures for the month, money as Decimal."""
    if is_closed(month):
        raw = {
            s.region_id: s.figures for s in MonthlyFigures.objects.filter(month=month.first_day())
        }
    else:
        raw = jsonable(compute_month(month))
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
    out = []
    for m in months:
        if m.first_day() in closed:
            out.append(_decimals(frozen.get(m.first_day(), {})))
        else:
            figures = known[m] if m in known else month_figures(m)
            out.append(figures.get(region, {}))
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
