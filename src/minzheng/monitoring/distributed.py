"""The monthly monitor read and run part by part where it is run: on Spark's executors.

`jobs.find` reads every member, enrolment and feed row of the city into the driver and joins them
there (DuckDB, or Spark SQL over tables the driver built): its memory is the whole population's.
Here the driver only cuts the open households into id ranges (the database counts them) and has
the database give each of the month's feed rows the household its person lives in, once, in a
scratch table (`part_feeds`); each part's task opens the database itself, reads the members of its
households, their enrolments and their feed rows by the household ids' index, runs the same
`jobs.FINDINGS_SQL` in DuckDB over them and turns its rows into findings — no process holds the
city, and no part reads more than its own rows.

Why the parts give the whole's findings: every rule of FINDINGS_SQL joins a feed row to a member by
the person's blind index and groups by household or by person, so a household's findings need
only its own members and their rows. The one exception is a person known only from the summed
medical bills (no open household lives with them): one more part reads those persons, with no
members, and the query treats them as the whole query does (the city's policy, no household).

No Django at import: Spark's Python workers import this module before the task sets Django up.
"""

from __future__ import annotations

import pickle
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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

_LIVES_IN_OPEN = """ms.lives_together = %s AND ms.valid_from <= %s
  AND (ms.valid_to IS NULL OR ms.valid_to > %s) AND h.closed_on IS NULL"""

#: The scratch tables of `part_feeds`: the prefix, then the epoch second of the run's start.
PART_FEEDS_PREFIX = "monitor_part_feeds_"

#: A scratch table left by a run that was killed is dropped by a run this much later.
STALE_AFTER_SECONDS = 24 * 3600

# The month's feed rows the monitor reads (`frames.MONITOR_FEED_ROWS_SQL`, the medical bills summed
# per person over the window), each given the household its person lives in: one pass over the
# month's feeds, each row looking its person and their memberships up by index — a cost that grows
# with the month's feed rows, not with the registry. A part then reads its own rows by the
# household id's index. Before, each part tested every feed row of the month against its own
# members: per part a cost that grew with the city, over a number of parts that grows with it too
# — quadratic (docs/scaling.md). A person who lives in two open households has their rows once in
# each, as each household's part read them before.
#
# By database. PostgreSQL's planner, left to join the feeds to the persons, hashes the whole
# persons table (in each parallel worker): 10.0 s at 3 M persons for 179,000 feed rows. A LATERAL
# lookup fenced by OFFSET 0 (so that it is not flattened back into that join) walks the person,
# membership and household indexes from each feed row instead: 2.0–2.1 s, growing with the feed
# rows. SQLite has no LATERAL; its planner walks the same indexes from the feed rows by itself.
_GIVEN = """ms.household_id AS household_id, f.record_id, f.source, f.kind, f.idx, f.masked,
       f.cipher, f.day, f.end_day, f.amount_fen, f.amount2_fen, f.ref"""

_LIVES_WITH = f"""registry_person p
JOIN registry_membership ms ON ms.person_id = p.id
JOIN registry_household h ON h.id = ms.household_id
WHERE p.id_number_index = f.idx AND {_LIVES_IN_OPEN}"""

_PASS_SQL = {
    "postgresql": f"""SELECT {_GIVEN} FROM ({{feeds}}) f
CROSS JOIN LATERAL (SELECT ms.household_id FROM {_LIVES_WITH} OFFSET 0) ms""",
    "sqlite": f"SELECT {_GIVEN} FROM ({{feeds}}) f, {_LIVES_WITH}",
}


def pass_sql(vendor: str) -> str:
    """The one pass for this database (`_PASS_SQL` over `frames.MONITOR_FEED_ROWS_SQL`)."""
    from minzheng.verification import frames

    return _PASS_SQL[vendor].format(feeds=frames.MONITOR_FEED_ROWS_SQL)


# A part's feed rows, by its households' ids. DISTINCT: a person who lives in two open households
# of the same part has their rows once, as the part's member test gave them before.
_PART_ROWS_SQL = """
SELECT DISTINCT record_id, source, kind, idx, masked, cipher, day, end_day, amount_fen,
       amount2_fen, ref
FROM {table} WHERE household_id >= %s AND household_id <= %s"""

# A part's members: only those a finding can involve, as `frames.MONITOR_MEMBERS_SQL` reads them
# for the whole city — every co-resident member of the part's households enrolled that month, and
# the membership in the part of each person who has a feed row there (`part_feeds`). Reading every
# member of the part's households instead (~110,000 at 50,000 households) cost more than the rest of
# the part together: the whole registry, a part at a time.
_PART_MEMBERS_SQL = f"""
SELECT ms.household_id, ms.person_id, p.id_number_index, p.date_of_death, h.region_id, ''
FROM registry_membership ms
JOIN registry_person p ON p.id = ms.person_id
JOIN registry_household h ON h.id = ms.household_id
WHERE {_LIVES_IN_OPEN} AND ms.household_id IN (
    SELECT en.household_id
    FROM ({{enrolled}} AND e.household_id >= %s AND e.household_id <= %s) en)
UNION
SELECT ms.household_id, ms.person_id, p.id_number_index, p.date_of_death, h.region_id, ''
FROM {{table}} s
JOIN registry_person p ON p.id_number_index = s.idx
JOIN registry_membership ms ON ms.person_id = p.id AND ms.household_id = s.household_id
JOIN registry_household h ON h.id = ms.household_id
WHERE {_LIVES_IN_OPEN} AND s.household_id >= %s AND s.household_id <= %s"""

# The persons no open household lives with: only their medical sums can raise a warning (the
# city's limit, no household income), so only sums above that limit are read.
NO_HOUSEHOLD_FEEDS_SQL = f"""
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
    WHERE p.id_number_index = m.idx AND {_LIVES_IN_OPEN})
"""


@contextmanager
def part_feeds(month: YearMonth) -> Iterator[str]:
    """A scratch table of the month's feed rows the monitor reads, each with the open household
    its person lives in (`pass_sql`), indexed by household id; its name for the parts to read
    (`find_in`), dropped afterwards. A real table, not a temporary one: the parts' tasks read it
    through their own connections (Spark's executors). A table a killed run left behind is dropped
    by a run a day later (`STALE_AFTER_SECONDS`)."""
    from django.db import connection

    last = month.last_day()
    year_start = (month - 11).first_day()
    started = int(time.time())
    _drop_stale(started)
    name = f"{PART_FEEDS_PREFIX}{started}_{secrets.token_hex(4)}"
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:  # compiling the pass costs more than it saves (0.7 of 2.8 s at 3 M persons)
            cursor.execute("SET jit = off")
        try:
            cursor.execute(
                f"CREATE TABLE {name} AS {pass_sql(connection.vendor)}",
                [last, last, year_start, year_start, last, True, last, last],
            )
        finally:
            if postgres:
                cursor.execute("RESET jit")
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE INDEX {name}_h ON {name} (household_id)")
            if postgres:
                cursor.execute(f"ANALYZE {name}")
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _drop_stale(now: int) -> None:
    """Drop the scratch tables of runs started more than `STALE_AFTER_SECONDS` before `now`."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            stamp = table.removeprefix(PART_FEEDS_PREFIX).partition("_")[0]
            stale = stamp.isdigit() and now - int(stamp) > STALE_AFTER_SECONDS
            if table.startswith(PART_FEEDS_PREFIX) and stale:
                cursor.execute(f"DROP TABLE IF EXISTS {_checked(table)}")


def _part_tables(
    month: YearMonth,
    ids: tuple[int, int] | None,
    feeds_table: str,
    policy: dict[str, MonitoringPolicy],
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """(members, enrolled, feeds) of the households in `ids`, or of the persons in none (None);
    the households' feed rows from `feeds_table` (`part_feeds`)."""
    from minzheng.verification import frames

    first, last = month.first_day(), month.last_day()
    year_start = (month - 11).first_day()
    live = [True, last, last]
    if ids is None:
        from minzheng.monitoring import jobs

        city = policy[jobs.CITY]
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
        _PART_MEMBERS_SQL.format(table=_checked(feeds_table), enrolled=frames.ENROLLED_SQL),
        [*live, first, first, lo, hi, *live, lo, hi],
        frames.MEMBER_COLUMNS,
    )
    enrolled = frames.table(
        frames.ENROLLED_SQL + " AND e.household_id >= %s AND e.household_id <= %s",
        [first, first, lo, hi],
        frames.ENROLLED_COLUMNS,
    )
    feeds = frames.table(_PART_ROWS_SQL.format(table=feeds_table), [lo, hi], frames.FEED_COLUMNS)
    return members, enrolled, feeds


def _checked(table: str) -> str:
    """`table` if it is a name `part_feeds` makes (it goes into SQL text), else ValueError."""
    rest = table.removeprefix(PART_FEEDS_PREFIX)
    if rest == table or not rest.replace("_", "").isalnum() or not rest.isascii():
        raise ValueError(f"不是监测分段数据表：{table!r}")
    return table


def find_in(
    month: YearMonth,
    ids: tuple[int, int] | None,
    feeds_table: str,
    policy: dict[str, MonitoringPolicy],
) -> list[Finding]:
    """The findings of the households whose id lies in `ids` (inclusive), or (None) of the
    persons who live in no open household; the households' feed rows are read from
    `feeds_table`, the run's `part_feeds`, and `policy` is every county's (`policies`)."""
    from minzheng.core import batchsql
    from minzheng.monitoring import jobs

    first = month.first_day()
    year_start = (month - 11).first_day()
    members, enrolled, feeds = _part_tables(month, ids, feeds_table, policy)
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
    return _findings(columns, rows)


def policies(month: YearMonth) -> dict[str, MonitoringPolicy]:
    """Every county's monitoring policy for the month, as the whole read takes them: read once by
    the driver and given to every part (a part's members are only those a finding can involve, so
    their counties are not every county its households are in)."""
    from minzheng.monitoring import jobs

    return jobs.policies(jobs.every_county(), month.first_day())


def _findings(columns: list[str], rows: list[tuple[Any, ...]]) -> list[Finding]:
    """The query's rows as findings, with the names and sealed ID numbers (as `jobs.find`)."""
    from minzheng.monitoring import jobs

    return jobs.findings_from_rows(columns, rows)


def find_part(blob: bytes) -> bytes:
    """One part (database settings, month, household id range or None, the run's feeds table,
    the policies) → pickled findings, read and found in this (worker) process."""
    db, month, ids, feeds_table, policy = pickle.loads(blob)  # written by `find` just before
    _django_for(db)
    found = find_in(YearMonth(*month), ids, feeds_table, policy)
    return pickle.dumps(found, pickle.HIGHEST_PROTOCOL)


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
    policy = policies(month)
    with part_feeds(month) as feeds_table:
        step("数据按家庭分段")
        blobs = [
            pickle.dumps(
                (db, (month.year, month.month), r, feeds_table, policy), pickle.HIGHEST_PROTOCOL
            )
            for r in ranges
        ]
        done = batchsql.map_parts(blobs, find_part, engine=engine, spark_session=spark_session)
    step("比对")
    findings: list[Finding] = [f for part in done for f in pickle.loads(part)]  # our own output
    findings.sort(key=_order)
    return findings, policy


def reachable(db: dict[str, Any] | None = None) -> bool:
    """Whether the tasks can open the database (not an in-memory SQLite one)."""
    from minzheng.assistance.distributed import reachable_from_workers

    return reachable_from_workers(db if db is not None else database_settings())
