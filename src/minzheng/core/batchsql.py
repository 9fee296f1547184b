"""One set-based query, two engines: DuckDB on this machine, Spark on a cluster.

The batch stages (the monthly monitor, batch verification) are written once, in the SQL DuckDB
speaks, over Arrow tables. `run` executes that SQL in DuckDB, or — with `engine="spark"` — rewrites
the few DuckDB spellings Spark SQL lacks and runs it as Spark SQL over the same tables, so a
province-sized month runs on the cluster with the same answer (a test compares both on the test
city). Parameters are `$name` placeholders bound to dates.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pyarrow as pa

ENGINES = ("duckdb", "spark")

#: DuckDB spelling → Spark SQL spelling, applied in order.
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\barg_min\("), "min_by("),
    (re.compile(r"\barg_max\("), "max_by("),
    (re.compile(r"'%Y-%m-%d'"), "'yyyy-MM-dd'"),
    (re.compile(r"'%Y-%m'"), "'yyyy-MM'"),
    (re.compile(r"'%Y'"), "'yyyy'"),
    (re.compile(r"\bstrftime\("), "date_format("),
    (re.compile(r" // "), " div "),
    (re.compile(r"\bAS VARCHAR\b"), "AS STRING"),
)


def spark_sql(sql: str, params: dict[str, date]) -> str:
    """The DuckDB query as Spark SQL, with its `$name` dates written as literals."""
    for pattern, replacement in _REWRITES:
        sql = pattern.sub(replacement, sql)
    for name, value in sorted(params.items(), key=lambda item: -len(item[0])):
        sql = sql.replace(f"${name}", f"DATE'{value.isoformat()}'")
    return sql


def run(
    sql: str,
    tables: dict[str, pa.Table],
    params: dict[str, date],
    *,
    engine: str = "duckdb",
    spark_session: Any = None,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of `sql` over `tables`."""
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        try:
            for name, table in tables.items():
                con.register(name, table)
            rows = con.execute(sql, params).fetchall()
            return [d[0] for d in con.description or ()], rows
        finally:
            con.close()
    if engine != "spark":
        raise ValueError(f"未知的计算引擎：{engine}（可选：duckdb、spark）")
    session = spark_session if spark_session is not None else local_session()
    for name, table in tables.items():
        session.createDataFrame(table).createOrReplaceTempView(name)
    frame = session.sql(spark_sql(sql, params))
    columns = list(frame.columns)
    return columns, [tuple(row) for row in frame.collect()]


def local_session(master: str = "local[2]") -> Any:
    """A Spark session: local by default; a cluster's master URL (spark://…, yarn, k8s://…) runs
    the same query there. Nothing is downloaded."""
    from pyspark.sql import SparkSession

    # Python tasks (`map_parts`) run in this interpreter's environment on a local session (Spark
    # would start whatever `python3` is first on PATH); a cluster's executors need minzheng
    # installed, or PYSPARK_PYTHON set to an interpreter that has it (docs/operations.md).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder: Any = SparkSession.builder
    try:  # Splink's similarity functions, from the jar inside the package: one local session
        # serves the batch stages and multi-identity linkage alike (getOrCreate returns the
        # first session made, whatever a later builder asks for).
        from splink.backends.spark import similarity_jar_location

        builder = builder.config("spark.jars", similarity_jar_location())
    except ImportError:
        pass
    return (
        builder.master(master)
        .appName("minzheng-batch")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "Asia/Shanghai")
        .getOrCreate()
    )


def map_parts(
    parts: list[bytes],
    func: Callable[[bytes], bytes],
    *,
    engine: str = "duckdb",
    spark_session: Any = None,
) -> list[bytes]:
    """`func` applied to every part, in order: here one after another (`engine="duckdb"`, the
    single-machine path), or on Spark, one task per part, on a local session or a cluster's.

    For stages that are not SQL (batch eligibility is numpy): the caller cuts its work into
    independent parts and serialises them; `func` must be importable on the workers (a module-level
    function of a module that needs no Django set-up).
    """
    if engine == "duckdb":
        return [func(p) for p in parts]
    if engine != "spark":
        raise ValueError(f"未知的计算引擎：{engine}（可选：duckdb、spark）")
    if not parts:
        return []
    session = spark_session if spark_session is not None else local_session()
    frame = session.createDataFrame(
        pa.table({"part": pa.array(range(len(parts)), pa.int32()), "data": pa.array(parts)})
    ).repartition(len(parts), "part")

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            done = [func(bytes(d)) for d in batch.column("data").to_pylist()]
            yield pa.RecordBatch.from_arrays(
                [batch.column("part"), pa.array(done, pa.binary())], names=["part", "data"]
            )

    rows = frame.mapInArrow(run, "part int, data binary").collect()
    by_part = {int(r["part"]): bytes(r["data"]) for r in rows}
    return [by_part[i] for i in range(len(parts))]
