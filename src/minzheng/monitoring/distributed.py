"""The monthly monitor read and run part by part where it is run: on Spark's executors.

`jobs.find` reads every member, enrolment and feed row of the city into the driver and joins them
there (DuckDB, or Spark SQL over tables the driver built): its memory is the whole population's.
Here the driver only cuts the open households into id ranges (the database counts them); each
part's task opens the database itself, reads the members of its households, their enrolments and
the feed rows of those members only, runs the same `jobs.FINDINGS_SQL` in DuckDB over them and
turns its rows into findings — no process holds the city.

Why the parts give the whole's findings: every rule of FINDINGS_SQL joins a feed row to a member by
the person's blind index and groups by household or by person, so a household's findings need
only its own members and their rows. The one exception is a person known only from the summed
medical bills (no open household lives with them): one more part reads those persons, with no
members, and the query treats them as the whole query does (the city's policy, no household).

No Django at import: Spark's Python workers import this module before the task sets Django up.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from minzheng.assistance.distributed import _django_for, database_settings
from minzheng.core.yearmonth import YearMonth

if TYPE_CHECKING:
    import pyarrow as pa

    from minzheng.monitoring.jobs import Finding
    from minzheng.monitoring.rules import MonitoringPolicy

#: Households per part: ~115,000 persons in the synthetic city, a few hundred MB per task.
PART_SIZE = 50_000

#: Every open household, whatever its region: the whole monitor reads them all.
EVERY_REGION = ("000000000000", "999999999999")

_IN_PART = """
    SELECT p.id_number_index FROM registry_membership ms
    JOIN registry_person p ON p.id = ms.person_id
    JOIN registry_household h ON h.id = ms.household_id
    WHERE ms.lives_together = %s AND ms.valid_from <= %s AND (ms.valid_to IS NULL OR ms.valid_to > %s)
      AND h.closed_on IS NULL AND ms.household_id >= %s AND ms.household_id <= %s
      AND h.id >= %s AND h.id <= %s"""

# Why the household range is said twice (`ms.household_id` and `h.id`): PostgreSQL carries an
# equality across a join, not a range, so with the range on the memberships only it read every
# open household (a sequential scan of the whole table) for each part — per part a cost that
# grows with the city, over a number of parts that grows with it too (docs/scaling.md). With the
# range on `h.id` as well it reads the part's households by their key.

_FEED_COLUMNS = """id, source, kind, id_number_index, id_number_masked, id_number_cipher, day, end_day,
       CAST(ROUND(amount * 100) AS BIGINT), CAST(ROUND(amount2 * 100) AS BIGINT), ref"""

# A part's feed rows: those of `frames.MONITOR_FEEDS_SQL` whose person lives in one of the part's
# households. The medical bills come summed per person over the window, as there.
PART_FEEDS_SQL = f"""
SELECT {_FEED_COLUMNS}
FROM verification_feedrecord
WHERE source <> 'medical' AND day <= %s AND (
      source IN ('police', 'funeral', 'bank', 'disability', 'tax')
   OR (source IN ('vehicle', 'estate', 'market') AND (end_day IS NULL OR end_day > %s))
   OR (source IN ('hrss', 'housing_fund') AND day >= %s))
  AND id_number_index IN ({_IN_PART})
UNION ALL
SELECT 0, 'medical', 'total', m.idx, NULL, NULL, m.day, NULL, m.fen, NULL, ''
FROM (SELECT id_number_index AS idx, CAST(ROUND(sum(amount) * 100) AS BIGINT) AS fen,
             max(day) AS day
      FROM verification_feedrecord
      WHERE source = 'medical' AND day >= %s AND day <= %s AND id_number_index IN ({_IN_PART})
      GROUP BY id_number_index) m
"""

# The persons no open household lives with: only their medical sums can raise a warning (the
# city's limit, no household income), so only sums above that limit are read.
NO_HOUSEHOLD_FEEDS_SQL = """
SELECT 0, 'medical', 'total', m.idx, NULL, NULL, m.day, NULL, m.fen, NULL, ''
FROM (SELECT id_number_index AS idx, CAST(ROUND(sum(amount) * 100) AS BIGINT) AS fen,
             max(day) AS day
      FROM verification_feedrecord
      WHERE source = 'medical' AND day >= %s AND day <= %s
      GROUP BY id_number_index) m
WHERE m.fen > %s AND NOT EXISTS (
    SELECT 1 FROM registry_person p
    JOIN registry_membership ms ON ms.person_id = p.id
    JOIN registry_household h ON h.id = ms.household_id
    WHERE p.id_number_index = m.idx AND ms.lives_together = %s AND ms.valid_from <= %s
      AND (ms.valid_to IS NULL OR ms.valid_to > %s) AND h.closed_on IS NULL)
"""


def _part_tables(
    month: YearMonth, ids: tuple[int, int] | None
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """(members, enrolled, feeds) of the households in `ids`, or of the persons in none (None)."""
    from minzheng.verification import frames

    first, last = month.first_day(), month.last_day()
    year_start = (month - 11).first_day()
    live = [True, last, last]
    if ids is None:
        from minzheng.monitoring import jobs

        city = jobs.policies(set(), first)[jobs.CITY]
        floor = int((city.medical_threshold.value * 100).to_integral_value())
        feeds = frames.table(
            NO_HOUSEHOLD_FEEDS_SQL, [year_start, last, floor, *live], frames.FEED_COLUMNS
        )
        empty = frames.members(last, [], names=False)
        enrolled = frames.table(
            frames.ENROLLED_SQL + " AND 1 = 0", [first, first], frames.ENROLLED_COLUMNS
        )
        return empty, enrolled, feeds
    lo, hi = ids
    members = frames.table(
        frames.MEMBERS_SQL.format(name="''")
        + " AND ms.household_id >= %s AND ms.household_id <= %s AND h.id >= %s AND h.id <= %s",
        [*live, lo, hi, lo, hi],
        frames.MEMBER_COLUMNS,
    )
    enrolled = frames.table(
        frames.ENROLLED_SQL + " AND e.household_id >= %s AND e.household_id <= %s",
        [first, first, lo, hi],
        frames.ENROLLED_COLUMNS,
    )
    feeds = frames.table(
        PART_FEEDS_SQL,
        [last, last, year_start, *live, lo, hi, lo, hi, year_start, last, *live, lo, hi, lo, hi],
        frames.FEED_COLUMNS,
    )
    return members, enrolled, feeds


def find_in(
    month: YearMonth, ids: tuple[int, int] | None
) -> tuple[list[Finding], dict[str, MonitoringPolicy]]:
    """The findings of the households whose id lies in `ids` (inclusive), or (None) of the
    persons who live in no open household, with the policies of their counties."""
    import pyarrow.compute as pc

    from minzheng.core import batchsql
    from minzheng.core.regioncode import county_of
    from minzheng.monitoring import jobs

    first = month.first_day()
    year_start = (month - 11).first_day()
    members, enrolled, feeds = _part_tables(month, ids)
    counties = {county_of(r) for r in pc.unique(members.column("region_id")).to_pylist() if r}
    policy = jobs.policies(counties, first)
    policy_table, exempt = jobs._policy_table(policy)
    columns, rows = batchsql.run(
        jobs.FINDINGS_SQL,
        {
            "members": members,
            "enrolled": enrolled,
            "feeds": feeds,
            "policy": policy_table,
            "exempt": exempt,
        },
        {"first": first, "year_start": year_start},
    )
    return _findings(columns, rows), policy


def _findings(columns: list[str], rows: list[tuple[Any, ...]]) -> list[Finding]:
    """The query's rows as findings, with the names and sealed ID numbers (as `jobs.find`)."""
    from minzheng.monitoring import jobs

    return jobs.findings_from_rows(columns, rows)


def find_part(blob: bytes) -> bytes:
    """One part (database settings, month, household id range or None) → pickled
    (findings, policies), read and found in this (worker) process."""
    db, month, ids = pickle.loads(blob)  # written by `find` just before
    _django_for(db)
    return pickle.dumps(find_in(YearMonth(*month), ids), pickle.HIGHEST_PROTOCOL)


def _order(f: Finding) -> tuple[Any, ...]:
    # FINDINGS_SQL's ORDER BY kind, household_id, idx, ref — DuckDB puts NULLs last
    return (f.kind, f.household_id is None, f.household_id or 0, f.idx, f.ref)


def find(
    month: YearMonth,
    *,
    progress: Callable[[str], None] | None = None,
    engine: str = "duckdb",
    spark_session: Any = None,
    size: int = PART_SIZE,
) -> tuple[list[Finding], dict[str, MonitoringPolicy]]:
    """`jobs.find`'s findings and policies, each part of `size` households read and run by its
    own task (duckdb: one after another here; spark: one Spark task per part, on the executors),
    plus one part for the persons who live in no open household. The same findings in the same
    order: the parts are disjoint households and the whole is sorted as the query sorts."""
    from minzheng.assistance import columnar
    from minzheng.core import batchsql

    step = progress or (lambda _label: None)
    db = database_settings()
    ranges: list[tuple[int, int] | None] = [*columnar.household_id_ranges(EVERY_REGION, size)]
    ranges.append(None)
    step(f"分为{len(ranges)}段")
    blobs = [
        pickle.dumps((db, (month.year, month.month), r), pickle.HIGHEST_PROTOCOL) for r in ranges
    ]
    done = batchsql.map_parts(blobs, find_part, engine=engine, spark_session=spark_session)
    step("比对")
    findings: list[Finding] = []
    policy: dict[str, MonitoringPolicy] = {}
    for part in done:
        found, policies = pickle.loads(part)  # our own output
        findings.extend(found)
        policy.update(policies)
    findings.sort(key=_order)
    return findings, policy


def reachable(db: dict[str, Any] | None = None) -> bool:
    """Whether the tasks can open the database (not an in-memory SQLite one)."""
    from minzheng.assistance.distributed import reachable_from_workers

    return reachable_from_workers(db if db is not None else database_settings())
