"""The monitor's query on Spark (local mode) finds exactly what DuckDB finds on the test city."""

from __future__ import annotations

from typing import Any

import pytest

from minzheng.monitoring import jobs
from minzheng.verification.demo import load_all
from tests.monitoring.conftest import MONTH


@pytest.mark.slow
@pytest.mark.spark
def test_spark_and_duckdb_find_the_same_warnings(planted: Any) -> None:
    pytest.importorskip("pyspark")
    from minzheng.core.batchsql import local_session

    load_all(planted)
    on_duckdb, _ = jobs.find(MONTH)
    on_spark, _ = jobs.find(MONTH, engine="spark", spark_session=local_session())
    assert len(on_duckdb) == 20  # every planted truth (tests/monitoring/test_planted_truths.py)
    assert sorted(on_spark, key=lambda f: (f.kind, f.idx, f.ref)) == sorted(
        on_duckdb, key=lambda f: (f.kind, f.idx, f.ref)
    )
