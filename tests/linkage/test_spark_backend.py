"""The same model runs on Spark (local mode here) and finds the same persons."""

from __future__ import annotations

from datetime import date

import pytest

from minzheng.linkage.accuracy import pairwise_scores
from minzheng.linkage.engine import TrainingPlan, link_records
from minzheng.linkage.synthetic import synthetic_records


@pytest.mark.slow
@pytest.mark.spark
def test_spark_backend_links_a_tiny_set_like_duckdb() -> None:
    pytest.importorskip("pyspark")
    records = synthetic_records(150, seed=4)
    plain = records.drop(columns=["true_person", "noise_kind"])
    truth = records.set_index("record_id")["true_person"]

    # Every SQL step is a Spark job: a light plan keeps a local run short.
    light = TrainingPlan(u_sample_pairs=2e4, em_max_iterations=5)
    on_spark = link_records(plain, backend="spark", training=light, today=date(2026, 1, 1))
    on_duckdb = link_records(plain, backend="duckdb", training=light, today=date(2026, 1, 1))

    spark_scores = pairwise_scores(on_spark.clusters.set_index("record_id")["person_id"], truth)
    duckdb_scores = pairwise_scores(on_duckdb.clusters.set_index("record_id")["person_id"], truth)
    assert spark_scores.precision >= 0.99
    assert spark_scores.recall >= 0.95
    assert abs(spark_scores.recall - duckdb_scores.recall) <= 0.02
