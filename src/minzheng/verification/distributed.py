"""Batch verification's evidence gathered part by part where it is run: on Spark's executors.

`jobs.gather` reads the members and feed rows of every household it is given into one process
(and, with `engine="spark"`, builds Spark tables from them on the driver). Here the driver only
cuts the household ids into parts; each part's task opens the database itself and runs
`jobs.gather` over its own households, and the driver joins the parts' results. A household's
evidence is its own members' rows, so the parts give the whole's evidence.

No Django at import: Spark's Python workers import this module before the task sets Django up.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from minzheng.assistance.distributed import _django_for, database_settings

if TYPE_CHECKING:
    from minzheng.verification.checks import MemberData

#: Households per part: their members' blind indexes go into one `IN (…)` list, and ~25,000 of
#: them stay under SQLite's 32,766 bound parameters.
PART_SIZE = 10_000


def gather_part(blob: bytes) -> bytes:
    """One part (database settings, household ids, day) → its pickled `jobs.gather` result."""
    db, households, as_of = pickle.loads(blob)  # written by `gather` just before
    _django_for(db)
    from minzheng.verification import jobs

    return pickle.dumps(jobs.gather(households, as_of), pickle.HIGHEST_PROTOCOL)


def gather(
    household_ids: Sequence[int],
    as_of: date,
    *,
    engine: str = "duckdb",
    spark_session: Any = None,
    size: int = PART_SIZE,
) -> dict[int, list[MemberData]]:
    """`jobs.gather(household_ids, as_of)`, each part of `size` households (in id order) read and
    joined by its own task (duckdb: one after another here; spark: one Spark task per part)."""
    from minzheng.core import batchsql

    db = database_settings()
    ids = sorted(set(household_ids))
    step = max(int(size), 1)
    blobs = [
        pickle.dumps((db, ids[i : i + step], as_of), pickle.HIGHEST_PROTOCOL)
        for i in range(0, len(ids), step)
    ]
    done = batchsql.map_parts(blobs, gather_part, engine=engine, spark_session=spark_session)
    joined: dict[int, list[MemberData]] = {}
    for part in done:
        joined.update(pickle.loads(part))  # our own output
    return {h: joined[h] for h in household_ids}
