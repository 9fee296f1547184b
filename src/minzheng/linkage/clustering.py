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
CANNOT_LINK_REASON = "人工复核已判定不是同一人，拒绝合并"

type RecordPair = tuple[str, str]


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
    *,
    must_link: Sequence[RecordPair] = (),
    cannot_link: Sequence[RecordPair] = (),
) -> Clustering:
    """Constrained union-find over `edges` (record_id_l, record_id_r, match_probability).

    `valid_ids[i]` is record i's ID number if it passes the check digit, else None. Only edges
    with probability ≥ `threshold` are considered, strongest first (ties broken by record ids, so
    the result is the same on every run). A person's id is the smallest record_id in it.

    Clerical decisions come in as `must_link` pairs (taken first, as if certain, still under the
    ID rule) and `cannot_link` pairs (no union may ever put the two records in one person).
    Pairs naming a record that is not in `record_ids` are ignored: the record has gone since.
    """
    ids = pd.Index(pd.Series(record_ids, dtype=object).astype(str))
    if ids.has_duplicates:
        raise ValueError("record_id must be unique")
    known = set(ids)
    fixed = pd.DataFrame(
        [(str(a), str(b), 1.0) for a, b in must_link if str(a) in known and str(b) in known],
        columns=["record_id_l", "record_id_r", "match_probability"],
    )
    accepted = edges.loc[edges["match_probability"] >= threshold][
        ["record_id_l", "record_id_r", "match_probability"]
    ]
    if not fixed.empty:
        # Clerical matches first: a tie at 1.0 with a scored edge still puts them ahead.
        accepted = pd.concat([fixed.assign(match_probability=2.0), accepted], ignore_index=True)
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
    refused_reasons: list[str] = []
    # For cannot-link: the constrained records a component holds, and those it must never meet.
    holds: dict[int, set[int]] = {}
    forbids: dict[int, set[int]] = {}
    for a_id, b_id in cannot_link:
        if str(a_id) not in known or str(b_id) not in known:
            continue
        a_pos, b_pos = (
            int(ids.get_indexer(pd.Index([str(a_id)]))[0]),
            int(ids.get_indexer(pd.Index([str(b_id)]))[0]),
        )
        holds.setdefault(a_pos, set()).add(a_pos)
        holds.setdefault(b_pos, set()).add(b_pos)
        forbids.setdefault(a_pos, set()).add(b_pos)
        forbids.setdefault(b_pos, set()).add(a_pos)

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
            refused_reasons.append(REFUSED_REASON)
            continue
        if forbids.get(root_a, set()) & holds.get(root_b, set()):
            refused_rows.append(position)
            refused_reasons.append(CANNOT_LINK_REASON)
            continue
        if size[root_a] < size[root_b]:
            root_a, root_b = root_b, root_a
        parent[root_b] = root_a
        size[root_a] += size[root_b]
        holder[root_a] = id_a if id_a is not None else id_b
        if root_b in holds:
            holds.setdefault(root_a, set()).update(holds.pop(root_b))
        if root_b in forbids:
            forbids.setdefault(root_a, set()).update(forbids.pop(root_b))

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
    refused = refused.assign(
        match_probability=refused["match_probability"].clip(upper=1.0), reason=refused_reasons
    ).reset_index(drop=True)
    return Clustering(persons=persons, refused=refused)
