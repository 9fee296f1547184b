"""The batch stages on Spark (local mode) give exactly what DuckDB gives on the test city: the
monitor's findings and the verification sweep's gathered evidence."""

from __future__ import annotations

from typing import Any

import pytest

from minzheng.monitoring import jobs
from minzheng.verification.demo import load_all
from tests.monitoring.conftest import MONTH


@pytest.mark.slow
@pytest.mark.spark
def test_spark_and_duckdb_find_the_same_warnings_and_gather_the_same_evidence(
    planted: Any,
) -> None:
    pytest.importorskip("pyspark")
    from minzheng.core.batchsql import local_session

    load_all(planted)
    on_duckdb, _ = jobs.find(MONTH)
    on_spark, _ = jobs.find(MONTH, engine="spark", spark_session=local_session())
    assert len(on_duckdb) == 20  # every planted truth (tests/monitoring/test_planted_truths.py)
    assert sorted(on_spark, key=lambda f: (f.kind, f.idx, f.ref)) == sorted(
        on_duckdb, key=lambda f: (f.kind, f.idx, f.ref)
    )

    # Batch verification: every enrolled household's members, income means and feed rows.
    from minzheng.assistance.models import Enrolment
    from minzheng.verification import jobs as verification

    households = sorted(set(Enrolment.objects.values_list("household_id", flat=True)))
    as_of = MONTH.last_day()
    by_duckdb = verification.gather(households, as_of)
    by_spark = verification.gather(households, as_of, engine="spark", spark_session=local_session())
    assert sum(len(m.rows) for ms in by_duckdb.values() for m in ms) > 0
    assert by_spark == by_duckdb
