"""A month's feed load leaves the planner its statistics: on PostgreSQL the load ANALYZEs the
source's partition when it added a tenth of its rows or more, so the monitor that runs right after
is not planned on an empty table's estimates (docs/scaling.md); a small later load does not."""

from __future__ import annotations

import pytest
from django.db import connection

from minzheng.core.idnumber import check_digit
from minzheng.verification.actions import do_load_feed
from minzheng.verification.bulkload import refresh_statistics

pytestmark = pytest.mark.django_db


def _police(first: int, count: int) -> bytes:
    lines = ["id_number,event,event_date"]
    for n in range(first, first + count):
        body = f"33020319500101{n:03d}"
        lines.append(f"{body}{check_digit(body)},death,2020-07-10")
    return ("\n".join(lines) + "\n").encode()


def _estimate() -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relname = 'verification_feedrecord_police'"
        )
        return float(cursor.fetchone()[0])


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_large_load_analyses_the_partition_and_a_small_one_does_not() -> None:
    # (No assertion on the estimate before: ANALYZE writes it in place, so a rolled-back earlier
    # test's load may have left one.)
    batch = do_load_feed(None, "police", _police(0, 200), filename="police.csv")
    assert batch.rows_accepted == 200
    assert _estimate() == 200  # analysed: a table this small is read whole
    batch = do_load_feed(None, "police", _police(200, 5), filename="police-more.csv")
    assert batch.rows_accepted == 5
    assert _estimate() == 200  # 5 rows on 200: autovacuum's business, not the load's
    assert refresh_statistics("police", 20) is True  # a tenth: analysed again
    assert _estimate() == 205


def test_nothing_to_analyse_without_rows_or_on_sqlite() -> None:
    assert refresh_statistics("police", 0) is False
    if connection.vendor != "postgresql":
        assert refresh_statistics("police", 1_000) is False
