"""Gathering every source for a set of households at once: DuckDB over Arrow, one pass.

One application is a set of one; a sweep of every enrolled household in scope is the same query
over more households. The per-member income means are computed in SQL; the rows come back grouped
by household for `checks.check_household`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from minzheng.core import batchsql
from minzheng.monitoring.rules import add_months
from minzheng.verification import frames
from minzheng.verification.checks import MemberData, Row

INCOME_SQL = """
SELECT m.person_id, f.kind, sum(f.amount_fen) / count(DISTINCT f.day) AS mean_fen,
       count(DISTINCT f.day) AS months
FROM members m JOIN feeds f ON f.idx = m.idx AND f.source = 'hrss'
GROUP BY ALL
"""
ROWS_SQL = """
SELECT m.household_id, m.person_id, f.source, f.kind, f.day, f.end_day, f.amount_fen,
       f.amount2_fen, f.ref
FROM members m JOIN feeds f ON f.idx = m.idx
WHERE f.source NOT IN ('hrss', 'housing_fund')
ORDER BY m.household_id, m.person_id, f.source, f.day
"""


def _yuan(fen: int | float | None) -> Decimal | None:
    return None if fen is None else (Decimal(int(fen)) / 100)


def gather(
    household_ids: Sequence[int],
    as_of: date,
    *,
    engine: str = "duckdb",
    spark_session: Any = None,
) -> dict[int, list[MemberData]]:
    """Each household's members with their income means and their feed rows, as of a day.
    `engine="spark"` runs the same two queries as Spark SQL (`core.batchsql`)."""
    members = frames.members(as_of, household_ids)
    indexes = members.column("idx").to_pylist()
    feeds = frames.feeds(as_of, add_months(as_of, -12), indexes if indexes else ["-"])
    tables = {"members": members, "feeds": feeds}
    _, means = batchsql.run(INCOME_SQL, tables, {}, engine=engine, spark_session=spark_session)
    _, rows = batchsql.run(ROWS_SQL, tables, {}, engine=engine, spark_session=spark_session)
    income: dict[int, dict[str, tuple[Decimal, int]]] = defaultdict(dict)
    for person_id, kind, mean_fen, months in means:
        income[person_id][kind] = (
            (Decimal(str(mean_fen)) / 100).quantize(Decimal("0.01")),
            int(months),
        )
    by_person: dict[int, list[Row]] = defaultdict(list)
    for _hh, person_id, source, kind, day, end_day, amount, amount2, ref in rows:
        by_person[person_id].append(
            Row(source, kind, day, end_day, _yuan(amount), _yuan(amount2), ref or "")
        )
    result: dict[int, list[MemberData]] = {h: [] for h in household_ids}
    for m in members.to_pylist():
        kinds = income.get(m["person_id"], {})
        result[m["household_id"]].append(
            MemberData(
                person_id=m["person_id"],
                name=m["name"],
                died=m["died"],
                income_means={k: v[0] for k, v in kinds.items()},
                income_months={k: v[1] for k, v in kinds.items()},
                rows=tuple(by_person.get(m["person_id"], ())),
            )
        )
    return result
