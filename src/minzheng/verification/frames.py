"""Reading the platform's tables into Arrow, for DuckDB to work on set-based.

The database (SQLite or PostgreSQL) is read once per table with plain SQL; DuckDB then joins the
feeds, the households and the policy in memory. No DuckDB extension is loaded: nothing is
downloaded at run time. Money crosses as integer fen, dates as `date32`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

import pyarrow as pa
from django.db import connection

DATE = pa.date32()
INT = pa.int64()
TEXT = pa.string()
BOOL = pa.bool_()

MEMBER_COLUMNS = {
    "household_id": INT,
    "person_id": INT,
    "idx": TEXT,
    "died": DATE,
    "region_id": TEXT,
    "name": TEXT,
}
FEED_COLUMNS = {
    "record_id": INT,
    "source": TEXT,
    "kind": TEXT,
    "idx": TEXT,
    "masked": TEXT,
    "cipher": TEXT,
    "day": DATE,
    "end_day": DATE,
    "amount_fen": INT,
    "amount2_fen": INT,
    "ref": TEXT,
}
ENROLLED_COLUMNS = {
    "enrolment_id": INT,
    "household_id": INT,
    "programme": TEXT,
    "status": TEXT,
    "region_id": TEXT,
}


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def table(sql: str, params: Sequence[Any], columns: dict[str, pa.DataType]) -> pa.Table:
    """Run `sql` on the platform database and return its rows as an Arrow table.

    On PostgreSQL the rows come by `COPY (query) TO STDOUT` as CSV straight into Arrow (no Python
    object per value: millions of rows in seconds); on SQLite through the cursor."""
    if connection.vendor == "postgresql":
        return _copy_table(sql, params, columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    arrays = []
    for i, (_name, kind) in enumerate(columns.items()):
        values = [r[i] for r in rows]
        if kind == DATE:
            values = [_as_date(v) for v in values]
        elif kind == BOOL:
            values = [_as_bool(v) for v in values]
        elif kind == INT:
            values = [None if v is None else int(v) for v in values]
        arrays.append(pa.array(values, type=kind))
    return pa.Table.from_arrays(arrays, names=list(columns))


def _copy_table(sql: str, params: Sequence[Any], columns: dict[str, pa.DataType]) -> pa.Table:
    import pyarrow.csv as pacsv

    connection.ensure_connection()
    raw = connection.connection
    buffer = io.BytesIO()
    statement = f"COPY ({sql.replace('%s', '{}')}) TO STDOUT WITH (FORMAT csv)"
    with raw.cursor() as cursor:
        literal = statement.format(*(_literal(cursor, p) for p in params))
        with cursor.copy(literal) as copy:
            for block in copy:
                buffer.write(block)
    if not buffer.getbuffer().nbytes:
        return pa.table({n: pa.array([], type=k) for n, k in columns.items()})
    return pacsv.read_csv(
        io.BytesIO(buffer.getvalue()),
        read_options=pacsv.ReadOptions(column_names=list(columns), block_size=1 << 24),
        convert_options=pacsv.ConvertOptions(
            column_types=columns,
            true_values=["t"],
            false_values=["f"],
            # An empty unquoted field is NULL; an empty string comes quoted ("")
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
            include_columns=list(columns),
        ),
    )


def _literal(cursor: Any, value: Any) -> str:
    """A parameter as a SQL literal (COPY takes no bound parameters), quoted by the driver."""
    from psycopg import sql as pgsql

    return pgsql.Literal(value).as_string(cursor)


MEMBERS_SQL = """
SELECT ms.household_id, ms.person_id, p.id_number_index, p.date_of_death, h.region_id, {name}
FROM registry_membership ms
JOIN registry_person p ON p.id = ms.person_id
JOIN registry_household h ON h.id = ms.household_id
WHERE ms.lives_together = %s AND ms.valid_from <= %s AND (ms.valid_to IS NULL OR ms.valid_to > %s)
  AND h.closed_on IS NULL
"""

FEEDS_SQL = """
SELECT id, source, kind, id_number_index, id_number_masked, id_number_cipher, day, end_day,
       CAST(ROUND(amount * 100) AS BIGINT), CAST(ROUND(amount2 * 100) AS BIGINT), ref
FROM verification_feedrecord
WHERE day <= %s AND (
      source IN ('police', 'funeral', 'bank', 'disability', 'tax')
   OR (source IN ('vehicle', 'estate', 'market') AND (end_day IS NULL OR end_day > %s))
   OR (source IN ('hrss', 'medical', 'housing_fund') AND day >= %s))
"""

# The monitor's feed rows: as FEEDS_SQL, but the medical bills arrive summed per person over the
# window (the rolling 12-month sum is all the monitor reads of them: `med` in monitoring/jobs.py)
# and only for persons who can be flagged — a sum above the lowest threshold, or a person of a
# household with an hrss income in the window (the income-share rule). The rows left out can never
# raise a warning, so the findings are the same; tens of millions of bills stay in the database.
#
# MONITOR_FEED_ROWS_SQL is the same rows with every medical sum (parameters: as_of, as_of,
# window_start, window_start, as_of); its columns are named as FEED_COLUMNS. The per-part monitor
# (monitoring/distributed.py) reads it whole: a part reads the sums of its own members only.
MONITOR_FEED_ROWS_SQL = """
SELECT id AS record_id, source, kind, id_number_index AS idx, id_number_masked AS masked,
       id_number_cipher AS cipher, day, end_day,
       CAST(ROUND(amount * 100) AS BIGINT) AS amount_fen,
       CAST(ROUND(amount2 * 100) AS BIGINT) AS amount2_fen, ref
FROM verification_feedrecord
WHERE source <> 'medical' AND day <= %s AND (
      source IN ('police', 'funeral', 'bank', 'disability', 'tax')
   OR (source IN ('vehicle', 'estate', 'market') AND (end_day IS NULL OR end_day > %s))
   OR (source IN ('hrss', 'housing_fund') AND day >= %s))
UNION ALL
SELECT 0, 'medical', 'total', m.idx, NULL, NULL, m.day, NULL, m.fen, NULL, ''
FROM (SELECT id_number_index AS idx, CAST(ROUND(sum(amount) * 100) AS BIGINT) AS fen,
             max(day) AS day
      FROM verification_feedrecord
      WHERE source = 'medical' AND day >= %s AND day <= %s
      GROUP BY id_number_index) m"""

MONITOR_FEEDS_SQL = (
    MONITOR_FEED_ROWS_SQL
    + """
WHERE m.fen > %s OR m.idx IN (
    SELECT p.id_number_index FROM registry_membership ms
    JOIN registry_person p ON p.id = ms.person_id
    WHERE ms.household_id IN (
        SELECT ms2.household_id FROM registry_membership ms2
        JOIN registry_person p2 ON p2.id = ms2.person_id
        JOIN verification_feedrecord f ON f.id_number_index = p2.id_number_index
        WHERE f.source = 'hrss' AND f.day >= %s AND f.day <= %s))
"""
)

ENROLLED_SQL = """
SELECT e.id, e.household_id, e.programme, e.status, e.region_id
FROM assistance_enrolment e
WHERE e.status IN ('active', 'gradual_exit') AND e.start_month <= %s
  AND (e.end_month IS NULL OR e.end_month > %s)
"""


def members(
    as_of: date, household_ids: Sequence[int] | None = None, *, names: bool = True
) -> pa.Table:
    """Co-resident members of open households on `as_of` (all of them, or only these); without
    `names` the name column is empty (the monitor looks up the names of its findings only)."""
    sql = MEMBERS_SQL.format(name="p.name" if names else "''")
    params = [True, as_of, as_of]
    params_list: list[object] = list(params)
    if household_ids is not None:
        marks = ", ".join(["%s"] * len(household_ids)) or "NULL"
        sql += f" AND ms.household_id IN ({marks})"
        params_list += list(household_ids)
    return table(sql, params_list, MEMBER_COLUMNS)


# The monitor's members: only those a finding can involve — every co-resident member of a household
# enrolled that month (the household rules count and sum over all of them), and every person with a
# feed row the monitor reads (events, holdings, income, the summed bills: the person rules and the
# income-share rule join on them). A member outside both is joined to nothing, so leaving the other
# millions in the database changes no finding. The wanted keys go into two temporary tables first:
# with their sizes known, PostgreSQL walks the membership and person indexes instead of scanning
# the 9.4M-row tables (docs/verification.md, "How the monitor reads the database").
MONITOR_MEMBERS_SQL = """
SELECT ms.household_id, ms.person_id, p.id_number_index, p.date_of_death, h.region_id, ''
FROM monitor_household w
JOIN registry_membership ms ON ms.household_id = w.id
JOIN registry_person p ON p.id = ms.person_id
JOIN registry_household h ON h.id = ms.household_id
WHERE ms.lives_together = %s AND ms.valid_from <= %s AND (ms.valid_to IS NULL OR ms.valid_to > %s)
  AND h.closed_on IS NULL
UNION
SELECT ms.household_id, ms.person_id, p.id_number_index, p.date_of_death, h.region_id, ''
FROM monitor_person w
JOIN registry_person p ON p.id_number_index = w.idx
JOIN registry_membership ms ON ms.person_id = p.id
JOIN registry_household h ON h.id = ms.household_id
WHERE ms.lives_together = %s AND ms.valid_from <= %s AND (ms.valid_to IS NULL OR ms.valid_to > %s)
  AND h.closed_on IS NULL
"""


def monitor_members(as_of: date, household_ids: Sequence[int], indexes: Sequence[str]) -> pa.Table:
    """Co-resident members on `as_of` of these households, and of the persons with these blind
    indexes (MONITOR_MEMBERS_SQL); no names."""
    households = sorted(set(household_ids))
    persons = sorted(set(indexes))
    with connection.cursor() as cursor:
        for name, column, kind, values in (
            ("monitor_household", "id", "bigint", households),
            ("monitor_person", "idx", "varchar(64)", persons),
        ):
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            cursor.execute(f"CREATE TEMPORARY TABLE {name} ({column} {kind} PRIMARY KEY)")
            _fill(cursor, name, column, values)
    postgres = connection.vendor == "postgresql"
    try:
        if postgres:  # index lookups, not a hash join over a seq scan of 4M households
            with connection.cursor() as cursor:
                for setting in PG_LOOKUP_SETTINGS:
                    cursor.execute(f"SET {setting} = off")
        params = [True, as_of, as_of] * 2
        return table(MONITOR_MEMBERS_SQL, params, MEMBER_COLUMNS)
    finally:
        with connection.cursor() as cursor:
            if postgres:
                for setting in PG_LOOKUP_SETTINGS:
                    cursor.execute(f"RESET {setting}")
            cursor.execute("DROP TABLE IF EXISTS monitor_household")
            cursor.execute("DROP TABLE IF EXISTS monitor_person")


# Tens of thousands of wanted keys against 4–9M-row tables: the planner, left alone, hashes the
# wanted keys and scans the whole household table (measured on the 9.4M city: 31.2 s with JIT
# compiling 2.6 s of it, against 11.2 s walking the primary-key and foreign-key indexes).
PG_LOOKUP_SETTINGS = ("jit", "enable_hashjoin", "enable_mergejoin")


def _fill(cursor: Any, name: str, column: str, values: Sequence[object]) -> None:
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {name} ({column}) FROM STDIN") as copy:
            for value in values:
                copy.write_row((value,))
        cursor.execute(f"ANALYZE {name}")
        return
    for i in range(0, len(values), 10_000):
        cursor.executemany(
            f"INSERT INTO {name} ({column}) VALUES (%s)", [(v,) for v in values[i : i + 10_000]]
        )


def feeds(as_of: date, window_start: date, indexes: Sequence[str] | None = None) -> pa.Table:
    """Feed rows that can matter on `as_of`: events so far, holdings still held, and the monthly
    series (income, medical bills, provident fund) after `window_start`."""
    sql, params = FEEDS_SQL, [as_of, as_of, window_start]
    params_list: list[object] = list(params)
    if indexes is not None:
        marks = ", ".join(["%s"] * len(indexes)) or "NULL"
        sql += f" AND id_number_index IN ({marks})"
        params_list += list(indexes)
    return table(sql, params_list, FEED_COLUMNS)


def monitor_feeds(as_of: date, window_start: date, medical_floor_fen: int) -> pa.Table:
    """The feed rows the monthly monitor reads (MONITOR_FEEDS_SQL): medical bills summed per
    person, only where a sum above `medical_floor_fen` or an income could flag them; their
    masked and sealed ID numbers are left empty (`sealed_ids` fills them for the findings)."""
    params = [as_of, as_of, window_start, window_start, as_of, medical_floor_fen]
    return table(MONITOR_FEEDS_SQL, [*params, window_start, as_of], FEED_COLUMNS)


def sealed_ids(indexes: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Blind index → (masked, ciphertext) from the feed rows, for these indexes."""
    found: dict[str, tuple[str, str]] = {}
    wanted = sorted(set(indexes))
    for i in range(0, len(wanted), 1000):
        part = wanted[i : i + 1000]
        marks = ", ".join(["%s"] * len(part))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id_number_index, id_number_masked, id_number_cipher "
                f"FROM verification_feedrecord WHERE id_number_index IN ({marks})",
                part,
            )
            for idx, masked, cipher in cursor.fetchall():
                found.setdefault(idx, (masked, cipher))
    return found


def enrolled(month_first: date) -> pa.Table:
    return table(ENROLLED_SQL, [month_first, month_first], ENROLLED_COLUMNS)
