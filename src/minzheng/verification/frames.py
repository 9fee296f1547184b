"""Reading the platform's tables into Arrow, for DuckDB to work on set-based.

The database (SQLite or PostgreSQL) is read once per table with plain SQL; DuckDB then joins the
feeds, the households and the policy in memory. No DuckDB extension is loaded: nothing is
downloaded at run time. Money crosses as integer fen, dates as `date32`.
"""

from __future__ import annotations

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
    """Run `sql` on the platform database and return its rows as an Arrow table."""
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


MEMBERS_SQL = """
SELECT ms.household_id, ms.person_id, p.id_number_index, p.date_of_death, h.region_id, p.name
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

ENROLLED_SQL = """
SELECT e.id, e.household_id, e.programme, e.status, e.region_id
FROM assistance_enrolment e
WHERE e.status IN ('active', 'gradual_exit') AND e.start_month <= %s
  AND (e.end_month IS NULL OR e.end_month > %s)
"""


def members(as_of: date, household_ids: Sequence[int] | None = None) -> pa.Table:
    """Co-resident members of open households on `as_of` (all of them, or only these)."""
    sql, params = MEMBERS_SQL, [True, as_of, as_of]
    params_list: list[object] = list(params)
    if household_ids is not None:
        marks = ", ".join(["%s"] * len(household_ids)) or "NULL"
        sql += f" AND ms.household_id IN ({marks})"
        params_list += list(household_ids)
    return table(sql, params_list, MEMBER_COLUMNS)


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


def enrolled(month_first: date) -> pa.Table:
    return table(ENROLLED_SQL, [month_first, month_first], ENROLLED_COLUMNS)
