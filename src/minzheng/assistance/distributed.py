"""Batch eligibility cut into parts and run on an engine: here, or on Spark (`core.batchsql`).

A household's decision depends on its own members and their supporters only, so the households
can be cut into contiguous slices, each slice evaluated by `batch.evaluate_batch` on whichever
worker gets it, and the slices joined back in order: the same arrays, bit for bit, as one call
over every household (a test compares both on the test city).

No Django at import: Spark's Python workers import this module without the platform's settings.

`evaluate_where_gathered` goes further: the driver only cuts the households into id ranges (the
database counts them), and each part's task reads its own households from the database, decides
them and finds their enrolment changes — no process holds the whole population. The task sets up
Django itself with the driver's database settings, so each executor needs the platform installed,
its settings and key file, and a connection to the database (docs/operations.md).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
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


# ── each part gathered where it is evaluated ────────────────────────────────────────────────

_DB_KEYS = ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")


@dataclass(frozen=True)
class Evaluated:
    household_ids: npt.NDArray[np.int64]
    result: BatchResult
    skipped: int
    changes: list[Any]  # columnar.Change, in (household, programme) order


def database_settings() -> dict[str, Any]:
    """The driver's database connection, for the tasks to open the same database."""
    from django.db import connection

    return {k: connection.settings_dict[k] for k in _DB_KEYS if k in connection.settings_dict}


def reachable_from_workers(db: Mapping[str, Any]) -> bool:
    """Whether another process can open the database: not an in-memory SQLite one."""
    name = str(db.get("NAME", ""))
    return not (str(db.get("ENGINE", "")).endswith("sqlite3") and "memory" in name)


def _django_for(db: Mapping[str, Any]) -> None:
    """Django set up in this (worker) process, on the driver's database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
    from django.apps import apps

    if not apps.ready:
        import django

        django.setup()
    from django.db import connections

    connection = connections["default"]
    if any(connection.settings_dict.get(k) != v for k, v in db.items()):
        connection.close()
        connection.settings_dict.update(db)


def gather_and_evaluate_part(blob: bytes) -> bytes:
    """One part (database settings, region bounds, household id range, day) read from the
    database, decided and compared with its enrolments → pickled (ids, result, skipped, changes)."""
    db, bounds, ids, as_of = pickle.loads(blob)  # written by `evaluate_where_gathered`
    _django_for(db)
    from minzheng.assistance import columnar
    from minzheng.assistance.queries import parameter_sets

    g = columnar.gather(bounds, as_of, ids=ids)
    result = evaluate_batch(
        g.households, g.members, g.supporters, parameter_sets(g.households.regions, as_of)
    )
    changes = columnar.enrolment_changes(g, result)
    return pickle.dumps((g.household_ids, result, g.skipped, changes), pickle.HIGHEST_PROTOCOL)


def evaluate_where_gathered(
    bounds: tuple[str, str],
    as_of: date,
    *,
    engine: str = "duckdb",
    spark_session: Any = None,
    size: int = PART_SIZE,
) -> Evaluated:
    """Every open household in `bounds` decided for `as_of`, each part of `size` households read
    and decided by its own task (duckdb: one after another here; spark: one Spark task per part,
    on the executors). The same arrays, bit for bit, as `columnar.gather` + `evaluate_batch`
    over the whole scope: the parts are consecutive id ranges, and the whole is in id order."""
    from minzheng.assistance import columnar
    from minzheng.core import batchsql

    db = database_settings()
    ranges = columnar.household_id_ranges(bounds, size)
    if not ranges:
        blobs = [pickle.dumps((db, bounds, None, as_of), pickle.HIGHEST_PROTOCOL)]
        done = [gather_and_evaluate_part(blobs[0])]
    else:
        blobs = [pickle.dumps((db, bounds, r, as_of), pickle.HIGHEST_PROTOCOL) for r in ranges]
        done = batchsql.map_parts(
            blobs, gather_and_evaluate_part, engine=engine, spark_session=spark_session
        )
    parts = [pickle.loads(b) for b in done]  # our own output
    joined = {
        f.name: np.concatenate([getattr(p[1], f.name) for p in parts]) for f in fields(BatchResult)
    }
    return Evaluated(
        household_ids=np.concatenate([p[0] for p in parts]).astype(np.int64),
        result=BatchResult(**joined),
        skipped=sum(int(p[2]) for p in parts),
        changes=[c for p in parts for c in p[3]],
    )
