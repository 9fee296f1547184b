"""Group scored pairs into persons without ever joining two different valid ID numbers.

Plain connected components chain records: A (ID 1) ~ B (no ID) ~ C (ID 2) would put two people
with two different valid numbers into one person, because B resembles both (twins, or a parent
and child sharing name, address and phone). Here edges are taken strongest first and a union is
refused when both sides already hold a valid ID number and the numbers differ; B then stays with
whichever of A and C it matched more strongly, and the refused edge goes to clerical review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

REFUSED_REASON = "两端已分别归入不同的有效身份证号，拒绝合并"


@dataclass(frozen=True)
class Clustering:
    """`persons` maps every record to a person; `refused` lists the edges the rule turned down."""

    persons: pd.DataFrame  # record_id, person_id
    refused: pd.DataFrame  # record_id_l, record_id_r, match_probability, reason


def cluster_refusing_conflicting_ids(
    record_ids: Sequence[str] | pd.Series,
    valid_ids: Sequence[str | None] | pd.Series,
    edges: pd.DataFrame,
    threshold: float,
) -> Clustering:
    """Constrained union-find over `edges` (record_id_l, record_id_r, match_probability).

    `valid_ids[i]` is record i's ID number if it passes the check digit, else None. Only edges
    with probability ≥ `threshold` are considered, strongest first (ties broken by record ids, so
    the result is the same on every run). A person's id is the smallest record_id in it.
    """
    ids = pd.Index(pd.Series(record_ids, dtype=object).astype(str))
    if ids.has_duplicates:
        raise ValueError("record_id must be unique")
    accepted = edges.loc[edges["match_probability"] >= threshold]
    accepted = accepted.assign(
        record_id_l=accepted["record_id_l"].astype(str),
        record_id_r=accepted["record_id_r"].astype(str),
    ).sort_values(
        ["match_probability", "record_id_l", "record_id_r"],
        ascending=[False, True, True],
        kind="stable",
    )
    left = ids.get_indexer(pd.Index(accepted["record_id_l"])).tolist()
    right = ids.get_indexer(pd.Index(accepted["record_id_r"])).tolist()
    if -1 in left or -1 in right:
        raise ValueError("an edge names a record_id that is not in record_ids")

    parent = list(range(len(ids)))
    size = [1] * len(ids)
    # The one valid ID number a component holds, kept at its root.
    holder: list[str | None] = [
        None if value is None or value != value else str(value) for value in list(valid_ids)
    ]
    refused_rows: list[int] = []

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]  # path halving keeps the trees flat
            node = parent[node]
        return node

    for position, (a, b) in enumerate(zip(left, right, strict=True)):
        root_a, root_b = find(a), find(b)
        if root_a == root_b:
            continue
        id_a, id_b = holder[root_a], holder[root_b]
        if id_a is not None and id_b is not None and id_a != id_b:
            refused_rows.append(position)
            continue
        if size[root_a] < size[root_b]:
            root_a, root_b = root_b, root_a
        parent[root_b] = root_a
        size[root_a] += size[root_b]
        holder[root_a] = id_a if id_a is not None else id_b

    roots = np.fromiter((find(node) for node in range(len(ids))), dtype=np.int64, count=len(ids))
    # The smallest record_id per component, through integer ranks: a groupby "min" on strings
    # falls back to a Python loop per group (minutes at a million records).
    record_array = ids.to_numpy()
    order = np.argsort(record_array, kind="stable")
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    smallest = np.full(len(ids), len(ids), dtype=np.int64)
    np.minimum.at(smallest, roots, rank)
    persons = pd.DataFrame(
        {"record_id": record_array, "person_id": record_array[order][smallest[roots]]}
    )
    refused = accepted.iloc[refused_rows][["record_id_l", "record_id_r", "match_probability"]]
    refused = refused.assign(reason=REFUSED_REASON).reset_index(drop=True)
    return Clustering(persons=persons, refused=refused)
