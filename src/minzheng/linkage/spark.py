"""The Spark backend: the same Splink model, run by Spark when one machine is not enough.

In production the session comes from the cluster (spark-submit, Databricks …) and is passed in.
Without one, a local session is started, which is what the tests use.
"""

from __future__ import annotations

import tempfile
from typing import Any

from splink.internals.database_api import DatabaseAPI

# Small shuffles on a laptop-sized local session; a real cluster passes its own session.
LOCAL_SHUFFLE_PARTITIONS = 2


def local_spark_session() -> Any:
    """A local Spark session with Splink's similarity functions (Jaro-Winkler, Damerau-Levenshtein)
    loaded from the jar that ships inside the splink package: nothing is downloaded."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    builder: Any = SparkSession.builder
    return (
        builder.master("local[*]")
        .appName("minzheng-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", str(LOCAL_SHUFFLE_PARTITIONS))
        .config("spark.default.parallelism", str(LOCAL_SHUFFLE_PARTITIONS))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )


def spark_api(spark_session: Any = None) -> DatabaseAPI[Any]:
    from splink.backends.spark import SparkAPI

    session = spark_session if spark_session is not None else local_spark_session()
    if not session.sparkContext.getCheckpointDir():
        # Splink breaks long lineages with checkpoints; a session without a directory fails.
        session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="minzheng-spark-"))
    spark_api_class: Any = SparkAPI  # splink leaves its constructor untyped
    # A local session keeps intermediate tables in memory; on a cluster Splink's default
    # (write to Parquet and read back) is what keeps lineages short.
    break_lineage = "persist" if spark_session is None else None
    api: DatabaseAPI[Any] = spark_api_class(
        spark_session=session, break_lineage_method=break_lineage
    )
    return api
