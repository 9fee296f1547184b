"""On a small synthetic set the engine finds the duplicates and keeps strangers apart."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from minzheng.linkage.accuracy import pairwise_scores, pairwise_scores_by_kind
from minzheng.linkage.engine import LinkResult, link_records
from minzheng.linkage.synthetic import synthetic_records


@pytest.fixture(scope="module")
def three_thousand_residents() -> pd.DataFrame:
    return synthetic_records(3000, seed=17)


@pytest.fixture(scope="module")
def linked(three_thousand_residents: pd.DataFrame) -> LinkResult:
    records = three_thousand_residents.drop(columns=["true_person", "noise_kind"])
    return link_records(records, today=date(2026, 1, 1))


def test_precision_and_recall_are_at_least_99_percent(
    three_thousand_residents: pd.DataFrame, linked: LinkResult
) -> None:
    truth = three_thousand_residents.set_index("record_id")["true_person"]
    predicted = linked.clusters.set_index("record_id")["person_id"]
    scores = pairwise_scores(predicted, truth)
    assert scores.true_pairs > 2000
    assert scores.precision >= 0.99
    assert scores.recall >= 0.99


def test_twins_and_namesakes_are_never_merged(
    three_thousand_residents: pd.DataFrame, linked: LinkResult
) -> None:
    frame = three_thousand_residents.set_index("record_id")
    scores = pairwise_scores_by_kind(
        linked.clusters.set_index("record_id")["person_id"],
        frame["true_person"],
        frame["noise_kind"],
    )
    assert scores["twin"].predicted_pairs > 0
    assert scores["twin"].precision == 1.0
    assert scores["namesake"].precision == 1.0


def test_every_record_gets_a_person_and_pairs_carry_weights(linked: LinkResult) -> None:
    assert linked.clusters["person_id"].notna().all()
    assert list(linked.pairs.columns) == [
        "record_id_l",
        "record_id_r",
        "match_weight",
        "match_probability",
    ]
    low, high = linked.review_band
    assert linked.review["match_probability"].between(0, 1).all()
    assert set(linked.timings) == {"prepare", "train", "predict", "cluster"}
    assert (linked.pairs["match_probability"] >= low).all()
    assert high >= linked.threshold


def test_the_three_departments_records_of_wang_wei_become_one_person(
    records_of_wang_wei_three_departments: pd.DataFrame, today: date
) -> None:
    background = synthetic_records(400, seed=2).drop(columns=["true_person", "noise_kind"])
    records = pd.concat([records_of_wang_wei_three_departments, background], ignore_index=True)
    result = link_records(records, today=today)
    person = result.clusters.set_index("record_id")["person_id"]
    assert person["MZ-1"] == person["YB-7"] == person["RS-3"]
    assert person["MZ-2"] != person["MZ-1"]
