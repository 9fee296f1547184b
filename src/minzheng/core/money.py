"""Money is `Decimal` yuan. Rounding happens once, where policy says, by a named rule."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum

ZERO = Decimal("0")
FEN = Decimal("0.01")
JIAO = Decimal("0.1")
YUAN = Decimal("1")


class Rounding(StrEnum):
    """How an amount is rounded. Stored as the value of a dated parameter."""

    HALF_UP_FEN = "half_up_fen"  # 四舍五入到分
    HALF_UP_JIAO = "half_up_jiao"  # 四舍五入到角
    HALF_UP_YUAN = "half_up_yuan"  # 四舍五入到元
    UP_YUAN = "up_yuan"  # 进位到元
    DOWN_YUAN = "down_yuan"  # 舍去到元

    @property
    def label(self) -> str:
        """The rule as a user reads it."""
        return ROUNDING_LABELS[self]


_RULES: dict[Rounding, tuple[Decimal, str]] = {
    Rounding.HALF_UP_FEN: (FEN, ROUND_HALF_UP),
    Rounding.HALF_UP_JIAO: (JIAO, ROUND_HALF_UP),
    Rounding.HALF_UP_YUAN: (YUAN, ROUND_HALF_UP),
    Rounding.UP_YUAN: (YUAN, ROUND_CEILING),
    Rounding.DOWN_YUAN: (YUAN, ROUND_FLOOR),
}


ROUNDING_LABELS: dict[str, str] = {
    "half_up_fen": "四舍五入到分",
    "half_up_jiao": "四舍五入到角",
    "half_up_yuan": "四舍五入到元",
    "up_yuan": "进位到元",
    "down_yuan": "舍去到元",
}


def yuan(value: str | int | Decimal) -> Decimal:
    """Parse an amount of yuan; floats are refused because they cannot hold 0.1 exactly."""
    if isinstance(value, float):  # pragma: no cover - guarded by typing too
        raise TypeError("金额不能使用浮点数")
    return Decimal(value)


def round_money(amount: Decimal, rule: Rounding | str) -> Decimal:
    quantum, mode = _RULES[Rounding(rule)]
    return amount.quantize(quantum, rounding=mode)


def rounding_rule(rule: Rounding | str) -> tuple[Decimal, str]:
    """The quantum and the `decimal` rounding mode of a rule (for SQL that must round the same)."""
    return _RULES[Rounding(rule)]


def to_fen(amount: Decimal) -> int:
    """Whole fen (分), for bank files that carry integers."""
    return int((amount / FEN).to_integral_value(rounding=ROUND_DOWN))
