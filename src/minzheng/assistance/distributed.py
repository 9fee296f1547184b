"""Batch eligibility cut into parts and run on an engine: here, or on Spark (`core.batchsql`).

A household's decision depends on its own members and their supporters only, so the households
can be cut into contiguous slices, each slice evaluated by `batch.evaluate_batch` on whichever
worker gets it, and the slices joined back in order: the same arrays, bit for bit, as one call
over every household (a test compares both on the test city).

No Django here: Spark's Python workers import this module without the platform's settings.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from minzheng.assistance.batch import (
    BatchResult,
    HouseholdColumns,
    MemberColumns,
    SupporterColumns,
    evaluate_batch,
)
from minzheng.assistance.parameters import ParameterSet

#: Households per part: big enough that a part's numpy work outweighs shipping it.
PART_SIZE = 50_000

_MEMBER_RESULTS = ("single_person_candidate", "single_person_eligible", "single_person_amount_fen")


def _take(columns: Any, rows: npt.NDArray[np.int64], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    taken: dict[str, Any] = {}
    for f in fields(columns):
        value = getattr(columns, f.name)
        if f.name in skip or not isinstance(value, np.ndarray):
            taken[f.name] = value
        else:
            taken[f.name] = value[rows]
    return taken


def split(
    hc: HouseholdColumns, mc: MemberColumns, sc: SupporterColumns, size: int = PART_SIZE
) -> list[tuple[HouseholdColumns, MemberColumns, SupporterColumns, npt.NDArray[np.int64]]]:
    """Contiguous household slices with their members and supporters, re-indexed from 0; the
    last item of each is the slice's member rows in the whole (to put per-member results back)."""
    H = len(hc)
    parts = []
    member_household = mc.household.astype(np.int64)
    for lo in range(0, max(H, 1), max(size, 1)):
        hi = min(lo + size, H)
        h_rows = np.arange(lo, hi, dtype=np.int64)
        m_rows = np.nonzero((member_household >= lo) & (member_household < hi))[0].astype(np.int64)
        new_member = np.full(len(member_household), -1, np.int64)
        new_member[m_rows] = np.arange(len(m_rows), dtype=np.int64)
        s_rows = np.nonzero(np.isin(sc.member, m_rows))[0].astype(np.int64)
        part_h = replace(hc, **{k: v for k, v in _take(hc, h_rows).items() if k != "regions"})
        part_h = replace(part_h, applicant=new_member[hc.applicant[h_rows]])
        part_m = replace(mc, **_take(mc, m_rows))
        part_m = replace(part_m, household=member_household[m_rows] - lo)
        part_s = replace(sc, **_take(sc, s_rows))
        part_s = replace(part_s, member=new_member[sc.member[s_rows]])
        parts.append((part_h, part_m, part_s, m_rows))
    return parts


def evaluate_part(blob: bytes) -> bytes:
    """One part (pickled columns and parameter sets) → its pickled `BatchResult`."""
    hc, mc, sc, params = pickle.loads(blob)  # written by `evaluate` just before
    return pickle.dumps(evaluate_batch(hc, mc, sc, params), protocol=pickle.HIGHEST_PROTOCOL)


def evaluate(
    hc: HouseholdColumns,
    mc: MemberColumns,
    sc: SupporterColumns,
    params: Mapping[str, ParameterSet],
    *,
    engine: str = "duckdb",
    spark_session: Any = None,
    size: int = PART_SIZE,
) -> BatchResult:
    """`evaluate_batch` over every household, part by part on `engine` (duckdb: here; spark: one
    Spark task per part)."""
    from minzheng.core import batchsql

    parts = split(hc, mc, sc, size)
    blobs = [
        pickle.dumps((h, m, s, dict(params)), protocol=pickle.HIGHEST_PROTOCOL)
        for h, m, s, _ in parts
    ]
    done = batchsql.map_parts(blobs, evaluate_part, engine=engine, spark_session=spark_session)
    results: list[BatchResult] = [pickle.loads(b) for b in done]  # our own output
    M = len(mc.household)
    joined: dict[str, Any] = {}
    for f in fields(BatchResult):
        arrays = [getattr(r, f.name) for r in results]
        if f.name in _MEMBER_RESULTS:
            whole = np.zeros(M, arrays[0].dtype if arrays else np.int64)
            for (_, _, _, m_rows), array in zip(parts, arrays, strict=True):
                whole[m_rows] = array
            joined[f.name] = whole
        else:
            joined[f.name] = np.concatenate(arrays) if arrays else np.zeros(0, np.int64)
    return BatchResult(**joined)
