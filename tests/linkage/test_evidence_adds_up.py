"""A reviewer's evidence adds up: the prior plus every comparison's weight is the total shown,
and the probability shown is computed from that total."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd

from minzheng.linkage.clustering import REFUSED_REASON
from minzheng.linkage.engine import link_records
from minzheng.linkage.evidence import (
    COMPARISON_ORDER,
    allowed_decisions,
    comparisons_of,
    explain,
    probability_of,
)
from minzheng.linkage.spec import COMPARISON_LABELS, LEVEL_LABELS


def test_every_scored_pair_lists_the_prior_and_all_six_comparisons_and_adds_up(
    records_of_wang_wei_three_departments: pd.DataFrame, today: date
) -> None:
    result = link_records(records_of_wang_wei_three_departments, today=today, with_evidence=True)
    assert not result.pairs.empty
    for _, pair in result.pairs.iterrows():
        stored = {
            "prior_weight": result.prior_weight,
            "comparisons": comparisons_of({str(k): v for k, v in pair.items()}),
        }
        shown = explain(stored, float(pair["match_weight"]))
        assert [row.comparison for row in shown.rows] == ["prior", *COMPARISON_ORDER]
        assert {row.comparison for row in shown.rows} <= set(COMPARISON_LABELS)
        # Every level is named, and named in Chinese (the prior has no level).
        assert all(row.level in LEVEL_LABELS for row in shown.rows[1:])
        assert shown.total == sum(row.weight for row in shown.rows)
        # Seven rows each rounded to 0.01: the shown total is within 0.035 of the engine's.
        assert abs(float(shown.total) - float(pair["match_weight"])) <= 0.035
        assert shown.probability == probability_of(shown.total)


def test_the_wang_wei_pair_reads_as_a_clerk_would_explain_it(
    records_of_wang_wei_three_departments: pd.DataFrame, today: date
) -> None:
    result = link_records(records_of_wang_wei_three_departments, today=today, with_evidence=True)
    pairs = result.pairs.set_index(["record_id_l", "record_id_r"])
    pair = pairs.loc[("MZ-1", "YB-7")]
    rows = {
        row["name"]: row["level"] for row in comparisons_of({str(k): v for k, v in pair.items()})
    }
    # 18 digits and the 15-digit number of the same man; 王偉 is 王伟 in traditional characters.
    assert rows["id_number"] == "id_exact"
    assert rows["name"] == "name_exact"
    assert rows["address"] == "address_exact"
    assert LEVEL_LABELS[rows["id_number"]] == "身份证号相同且校验通过"


def test_the_sum_is_the_sum_of_what_is_shown() -> None:
    stored = {
        "prior_weight": -17.3456,
        "comparisons": [
            {"name": "id_number", "level": "id_null", "weight": 0.0},
            {"name": "name", "level": "name_exact", "weight": 14.004, "adjustment": -1.2},
            {"name": "birth_date", "level": "birth_exact", "weight": 13.555},
            {"name": "sex", "level": "sex_exact", "weight": 0.975},
            {"name": "phone", "level": "phone_null", "weight": 0.0},
            {"name": "address", "level": "address_same_road", "weight": -1.114},
        ],
    }
    shown = explain(stored, 0.0)
    weights = [row.weight for row in shown.rows]
    assert weights == [
        Decimal("-17.35"),
        Decimal("0.00"),
        Decimal("14.00"),
        Decimal("13.56"),
        Decimal("0.98"),
        Decimal("0.00"),
        Decimal("-1.11"),
    ]
    assert shown.total == Decimal("10.08")
    assert round(shown.probability, 6) == round(2**10.08 / (1 + 2**10.08), 6)
    assert shown.rows[2].adjustment == Decimal("-1.20")


def test_old_evidence_without_a_prior_gets_the_remainder_as_prior() -> None:
    stored = {"comparisons": [{"name": "name", "level": "name_exact", "weight": 5.0}]}
    shown = explain(stored, 3.0)
    assert shown.rows[0].weight == Decimal("-2.00")
    assert shown.total == Decimal("3.00")


def test_a_refused_pair_allows_only_non_match() -> None:
    assert allowed_decisions(REFUSED_REASON) == ("non_match",)
    assert allowed_decisions("匹配概率处于人工复核区间") == ("match", "non_match")
