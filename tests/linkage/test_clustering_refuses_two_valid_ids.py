"""A person never holds two different valid ID numbers, however the edges chain."""

from __future__ import annotations

import pandas as pd

from minzheng.linkage.clustering import cluster_refusing_conflicting_ids

ID_OF_TWIN_HAO = "330212201001010016"
ID_OF_TWIN_YU = "330212201001010032"


def _edges(*rows: tuple[str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["record_id_l", "record_id_r", "match_probability"])


def test_it_refuses_to_chain_two_valid_ids_through_a_record_without_one() -> None:
    # A and C are twins with their own valid numbers; B (no ID, same surname, birthday,
    # address, phone) resembles both. Plain connected components would make one person of all.
    record_ids = ["A", "B", "C"]
    valid_ids = [ID_OF_TWIN_HAO, None, ID_OF_TWIN_YU]
    edges = _edges(("A", "B", 0.999), ("B", "C", 0.98))

    result = cluster_refusing_conflicting_ids(record_ids, valid_ids, edges, threshold=0.95)

    person = result.persons.set_index("record_id")["person_id"]
    assert person["A"] == person["B"] == "A"
    assert person["C"] == "C"
    assert result.refused[["record_id_l", "record_id_r"]].values.tolist() == [["B", "C"]]


def test_the_stronger_edge_decides_where_the_record_without_id_goes() -> None:
    edges = _edges(("A", "B", 0.96), ("B", "C", 0.999))
    result = cluster_refusing_conflicting_ids(
        ["A", "B", "C"], [ID_OF_TWIN_HAO, None, ID_OF_TWIN_YU], edges, threshold=0.95
    )
    person = result.persons.set_index("record_id")["person_id"]
    assert person.to_dict() == {"A": "A", "B": "B", "C": "B"}


def test_records_with_the_same_valid_id_and_records_without_ids_join_freely() -> None:
    edges = _edges(("A", "B", 0.99), ("B", "C", 0.99), ("C", "D", 0.99), ("D", "E", 0.5))
    result = cluster_refusing_conflicting_ids(
        ["A", "B", "C", "D", "E"],
        [ID_OF_TWIN_HAO, None, ID_OF_TWIN_HAO, None, None],
        edges,
        threshold=0.95,
    )
    person = result.persons.set_index("record_id")["person_id"]
    assert person.to_dict() == {"A": "A", "B": "A", "C": "A", "D": "A", "E": "E"}
    assert result.refused.empty
