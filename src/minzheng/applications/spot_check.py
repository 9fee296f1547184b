"""低保抽查, the pure part: which enrolled households a county's monthly spot check draws.

Reproducible: each household's place in the draw is the SHA-256 of (county, month, household id),
so the same county, month and enrolled list always give the same households, whatever order the
database returns them in, and no random state is kept. The share is a dated parameter.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from minzheng.core.yearmonth import YearMonth


@dataclass(frozen=True, slots=True)
class Draw:
    enrolled: int
    drawn: tuple[int, ...]  # household ids, in draw order
    share: Decimal
    explanation: str


def draw_size(enrolled: int, share: Decimal) -> int:
    """⌈share × enrolled⌉: the share is a floor, never rounded below (at least one if any)."""
    if enrolled <= 0 or share <= 0:
        return 0
    size = int((share * enrolled).to_integral_value(rounding=ROUND_CEILING))
    return min(enrolled, max(1, size))


def _rank(county: str, month: YearMonth, household_id: int) -> str:
    return hashlib.sha256(f"{county}|{month}|{household_id}".encode()).hexdigest()


def draw(county: str, month: YearMonth, household_ids: Iterable[int], share: Decimal) -> Draw:
    ids = sorted(set(household_ids))
    size = draw_size(len(ids), share)
    ordered = sorted(ids, key=lambda h: _rank(county, month, h))
    explanation = (
        f"在保低保家庭 {len(ids)} 户 × 抽查比例 {share:%} 向上取整 = {size} 户；"
        f"按（区划、月份、家庭编号）的摘要排序抽取，同一县同一月份重复抽取结果相同"
    )
    return Draw(len(ids), tuple(ordered[:size]), share, explanation)
