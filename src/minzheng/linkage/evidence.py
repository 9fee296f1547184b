"""A pair's evidence as a reviewer reads it: every comparison the model used, in words, with its
weight, the prior, and a total that is the sum of the rows shown. Pure: no Django, no database.

A Fellegi–Sunter match weight is log2 of the prior odds plus one log2 Bayes factor per
comparison (a term-frequency adjustment belongs to its comparison). Each row is rounded to two
decimals first and the total is the sum of the rounded rows, so the page adds up; the probability
is computed from that total: p = 2^w / (1 + 2^w).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from minzheng.linkage.clustering import CANNOT_LINK_REASON, REFUSED_REASON

MATCH = "match"
NON_MATCH = "non_match"
BOTH_DECISIONS: tuple[str, ...] = (MATCH, NON_MATCH)
CENT = Decimal("0.01")

# The order the page lists the comparisons in; the prior comes first.
COMPARISON_ORDER: tuple[str, ...] = ("id_number", "name", "birth_date", "sex", "phone", "address")

# What a refusal rule lets a reviewer decide. Two different valid ID numbers are never one person
# to the engine: a clerk may confirm they are two people; one person holding two numbers (一人多号)
# is for the public-security bureau to cancel one of them, not for this queue to merge.
RULES: dict[str, tuple[str, tuple[str, ...]]] = {
    REFUSED_REASON: (
        "两条记录各自带有一个校验通过的身份证号，且号码不同：系统不把两个有效身份证号归为一人。"
        "如确属一人持有两个号码（一人多号），须由公安机关核查注销其一后再重新识别。",
        (NON_MATCH,),
    ),
    CANNOT_LINK_REASON: (
        "此前的人工判定已认定其中一条记录与另一方所在人员不是同一人，系统不再自动合并；"
        "工作人员仍可逐对判定。",
        BOTH_DECISIONS,
    ),
}


@dataclass(frozen=True)
class EvidenceRow:
    comparison: str  # code: prior, id_number, name, … (labels through the dictionary)
    level: str  # level code, "" for the prior
    weight: Decimal
    adjustment: Decimal | None = None  # term-frequency part of the weight, when there is one


@dataclass(frozen=True)
class Explanation:
    rows: list[EvidenceRow]
    total: Decimal
    probability: float


def rounded(value: float) -> Decimal:
    return Decimal(repr(float(value))).quantize(CENT, rounding=ROUND_HALF_UP)


def probability_of(weight: Decimal | float) -> float:
    """p = 2^w / (1 + 2^w), safe for large |w|."""
    w = float(weight)
    if w >= 0:
        return 1.0 / (1.0 + math.pow(2.0, -w))
    odds = math.pow(2.0, w)
    return odds / (1.0 + odds)


def comparisons_of(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """From one scored pair (the engine's `mw_*` and `level_*` columns) the stored evidence rows:
    one per comparison, its term-frequency adjustment folded into its weight."""
    found: list[dict[str, Any]] = []
    for name in COMPARISON_ORDER:
        column = f"mw_{name}"
        if column not in row:
            continue
        base = float(row[column])
        tf = row.get(f"mw_tf_adj_{name}")
        adjustment = 0.0 if tf is None or tf != tf else float(tf)
        found.append(
            {
                "name": name,
                "level": str(row.get(f"level_{name}", "") or ""),
                "weight": round(base + adjustment, 6),
                "adjustment": round(adjustment, 6),
            }
        )
    return found


def explain(evidence: Mapping[str, Any], match_weight: float) -> Explanation:
    """The rows a reviewer sees. `evidence["prior_weight"]` is the prior's log2 odds; evidence
    stored before it was kept gets the prior as the part of `match_weight` the comparisons do not
    account for."""
    comparisons: Sequence[Mapping[str, Any]] = evidence.get("comparisons", [])
    prior = evidence.get("prior_weight")
    if prior is None:
        prior = match_weight - sum(float(c.get("weight", 0.0)) for c in comparisons)
    rows = [EvidenceRow("prior", "", rounded(prior))]
    for item in comparisons:
        adjustment = float(item.get("adjustment") or 0.0)
        rows.append(
            EvidenceRow(
                str(item.get("name", "")),
                str(item.get("level", "")),
                rounded(float(item.get("weight", 0.0))),
                rounded(adjustment) if adjustment else None,
            )
        )
    total = sum((r.weight for r in rows), Decimal("0.00"))
    return Explanation(rows=rows, total=total, probability=probability_of(total))


def rule_of(reason: str) -> str:
    """The rule behind a refusal, in words; "" for a pair merely in the review band."""
    return RULES.get(reason, ("", BOTH_DECISIONS))[0]


def allowed_decisions(reason: str) -> tuple[str, ...]:
    return RULES.get(reason, ("", BOTH_DECISIONS))[1]
