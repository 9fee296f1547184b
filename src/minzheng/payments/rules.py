"""Pure payment rules: the price-linked subsidy and recovery instalments. No Django, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from minzheng.assistance.parameters import ParameterSet
from minzheng.core.money import ZERO, Rounding, round_money
from minzheng.core.yearmonth import YearMonth

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class PriceSubsidyDecision:
    """Whether a month's price indices trigger the subsidy, and how much per person."""

    triggered: bool
    per_person: Decimal
    index: str  # "cpi", "food_cpi" or "" when not triggered
    rise_pct: Decimal
    base: Decimal  # standard × rise, before rounding
    multiplier: int
    reasons: tuple[str, ...]
    parameter_versions: tuple[str, ...]


def price_subsidy(
    params: ParameterSet, *, cpi_yoy: Decimal, food_cpi_yoy: Decimal
) -> PriceSubsidyDecision:
    """Subsidy per person for one month (NDRC et al. 2016; formula of local implementations).

    Triggered when CPI YoY ≥ its threshold or food CPI YoY ≥ its threshold; if both, the higher
    rise is used. Amount = 低保 standard × rise, rounded by the rounding rule, raised to the floor,
    then multiplied by the period multiplier (2020-03 to 2020-06: ×2, per the article).
    """
    cpi_line, p_cpi = params.decimal("price_subsidy.cpi_trigger_pct")
    food_line, p_food = params.decimal("price_subsidy.food_cpi_trigger_pct")
    versions = [p_cpi.version_id, p_food.version_id]
    candidates: list[tuple[Decimal, str]] = []
    reasons: list[str] = []
    if cpi_yoy >= cpi_line:
        candidates.append((cpi_yoy, "cpi"))
        reasons.append(f"CPI同比{cpi_yoy}%≥{cpi_line}%")
    if food_cpi_yoy >= food_line:
        candidates.append((food_cpi_yoy, "food_cpi"))
        reasons.append(f"食品CPI同比{food_cpi_yoy}%≥{food_line}%")
    if not candidates:
        reasons.append(f"CPI同比{cpi_yoy}%<{cpi_line}%且食品CPI同比{food_cpi_yoy}%<{food_line}%")
        return PriceSubsidyDecision(False, ZERO, "", ZERO, ZERO, 0, tuple(reasons), tuple(versions))
    rise, index = max(candidates)
    standard, p_std = params.decimal("dibao.standard_monthly")
    rounding, p_round = params.text("price_subsidy.rounding")
    floor, p_floor = params.decimal("price_subsidy.minimum")
    multiplier, p_mult = params.integer("price_subsidy.multiplier")
    versions += [p_std.version_id, p_round.version_id, p_floor.version_id, p_mult.version_id]
    base = standard * rise / HUNDRED
    rounded = max(round_money(base, Rounding(rounding)), floor)
    per_person = rounded * multiplier
    reasons.append(
        f"{standard}元×{rise}%={base}元，取整{round_money(base, Rounding(rounding))}元"
        f"（保底{floor}元），×{multiplier}倍={per_person}元/人"
    )
    return PriceSubsidyDecision(
        True, per_person, index, rise, base, multiplier, tuple(reasons), tuple(versions)
    )


def recovery_instalment_fen(total_fen: int, recovered_fen: int, instalments: int) -> int:
    """This month's instalment: 1/n of the overpayment, rounded up to the fen, never past the rest.

    The roll computes the same in SQL; this is the reference the tests compare it with.
    """
    if instalments < 1:
        raise ValueError("分期数至少为1")
    outstanding = total_fen - recovered_fen
    if outstanding <= 0:
        return 0
    return min(outstanding, -(-total_fen // instalments))


# How far ahead of the platform's month a roll may be made: next month's roll is prepared in
# this one (the demo's whole walk does that). Illustrative parameter, not from a policy source.
ROLL_MONTHS_AHEAD = 1


def roll_month_refusal(month: YearMonth, current: YearMonth) -> str:
    """Why a roll cannot be made for `month` in `current` (the platform's month); "" when it can."""
    latest = current + ROLL_MONTHS_AHEAD
    if month > latest:
        return f"发放月份不能晚于 {latest}（当前月份 {current} 的下月）"
    return ""
