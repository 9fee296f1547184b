"""Clerical matches and non-matches steer the clustering of the next run."""

from __future__ import annotations

import pandas as pd

from minzheng.linkage.clustering import CANNOT_LINK_REASON, cluster_refusing_conflicting_ids


def _edges(*rows: tuple[str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["record_id_l", "record_id_r", "match_probability"])


def test_a_cannot_link_pair_stays_apart_however_strong_the_edge() -> None:
    result = cluster_refusing_conflicting_ids(
        ["MZ-1", "RS-3"],
        [None, None],
        _edges(("MZ-1", "RS-3", 0.999)),
        0.95,
        cannot_link=[("MZ-1", "RS-3")],
    )
    person = result.persons.set_index("record_id")["person_id"]
    assert person.to_dict() == {"MZ-1": "MZ-1", "RS-3": "RS-3"}
    assert result.refused["reason"].tolist() == [CANNOT_LINK_REASON]


def test_a_cannot_link_also_blocks_a_chain_through_a_third_record() -> None:
    # A ~ B is certain, B ~ C is certain, but a clerk said A is not C: C stays out.
    edges = _edges(("A", "B", 0.999), ("B", "C", 0.99))
    result = cluster_refusing_conflicting_ids(
        ["A", "B", "C"], [None, None, None], edges, 0.95, cannot_link=[("A", "C")]
    )
    person = result.persons.set_index("record_id")["person_id"]
    assert person.to_dict() == {"A": "A", "B": "A", "C": "C"}


def test_a_must_link_joins_records_the_engine_scored_below_the_threshold() -> None:
    result = cluster_refusing_conflicting_ids(
        ["P1", "S7"], [None, None], _edges(("P1", "S7", 0.7)), 0.95, must_link=[("P1", "S7")]
    )
    person = result.persons.set_index("record_id")["person_id"]
    assert person["P1"] == person["S7"] == "P1"
    assert result.refused.empty


def test_decisions_naming_records_that_are_gone_are_ignored() -> None:
    result = cluster_refusing_conflicting_ids(
        ["A"], [None], _edges(), 0.95, must_link=[("A", "Z")], cannot_link=[("A", "Y")]
    )
    assert result.persons.to_dict("records") == [{"record_id": "A", "person_id": "A"}]
