"""Batch eligibility cut into parts (`assistance.distributed`) and run on Spark gives exactly the
arrays of one call over every household on the test city; the CLI's --engine spark prints the
same totals as the local run."""

from __future__ import annotations

import itertools
import json
from dataclasses import fields
from datetime import date
from typing import Any

import numpy as np
import pytest

from minzheng.assistance import columnar, distributed
from minzheng.assistance.batch import BatchResult
from minzheng.assistance.queries import parameter_sets

AS_OF = date(2020, 9, 30)


@pytest.fixture
def test_city(regions: None) -> columnar.Gathered:
    """The `test`-scale synthetic Ningbo (400 persons), gathered for AS_OF."""
    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.registry.seed import seed_registry

    do_load_parameter_catalog(None)
    seed_registry("test", 7)
    return columnar.gather(columnar.region_bounds("330200"), AS_OF)


def _same(a: BatchResult, b: BatchResult) -> None:
    for f in fields(BatchResult):
        left, right = getattr(a, f.name), getattr(b, f.name)
        assert left.dtype == right.dtype, f.name
        assert np.array_equal(left, right), f.name


def test_parts_joined_back_equal_one_call_over_every_household(
    test_city: columnar.Gathered,
) -> None:
    g = test_city
    params = parameter_sets(g.households.regions, AS_OF)
    whole = columnar.evaluate_gathered(g, params)
    assert len(g.household_ids) > 100 and len(g.households.regions) > 3
    assert int((whole.dibao_route > 0).sum()) == 1  # the seed's one 低保 household on that day
    # Of 400 persons, those living away and the other members of collective households (集体户,
    # whose applicant the rules assess alone) are not counted.
    assert int(whole.members.sum()) == 373
    parts = distributed.split(g.households, g.members, g.supporters, 17)
    assert len(parts) == -(-len(g.household_ids) // 17)
    assert sum(len(m) for _, _, _, m in parts) == len(g.members.household)
    _same(distributed.evaluate(g.households, g.members, g.supporters, params, size=17), whole)


def test_each_part_read_by_its_own_task_equals_one_gather_of_the_city(
    test_city: columnar.Gathered,
) -> None:
    """The executors' path run here (engine duckdb: the parts one after another in this process):
    every part reads its own id range from the database, and the joined arrays, ids, skipped
    count and enrolment changes are those of one gather of the whole city."""
    g = test_city
    bounds = columnar.region_bounds("330200")
    whole = columnar.evaluate_gathered(g, parameter_sets(g.households.regions, AS_OF))
    ranges = columnar.household_id_ranges(bounds, 17)
    open_households = len(g.household_ids) + g.skipped
    assert len(ranges) == -(-open_households // 17)
    assert all(lo <= hi for lo, hi in ranges)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(ranges))
    spread = distributed.evaluate_where_gathered(bounds, AS_OF, size=17)
    assert np.array_equal(spread.household_ids, g.household_ids)
    _same(spread.result, whole)
    assert spread.skipped == g.skipped
    assert spread.changes == columnar.enrolment_changes(g, whole)
    empty = distributed.evaluate_where_gathered(("999999999990", "999999999999"), AS_OF)
    assert len(empty.household_ids) == 0 and len(empty.result.dibao_route) == 0


def test_no_households_is_an_empty_result(test_city: columnar.Gathered) -> None:
    g = columnar.gather(("999999999990", "999999999999"), AS_OF)
    result = distributed.evaluate(g.households, g.members, g.supporters, {}, size=5)
    assert len(result.dibao_route) == 0 and len(result.single_person_eligible) == 0


@pytest.mark.slow
@pytest.mark.spark
def test_spark_and_duckdb_decide_every_household_of_the_test_city_alike(
    committed_test_city: columnar.Gathered, capsys: Any
) -> None:
    # Committed: on PostgreSQL the CLI's --engine spark reads each part in Spark's workers.
    test_city = committed_test_city
    pytest.importorskip("pyspark")
    from minzheng.cli import main
    from minzheng.core.batchsql import local_session

    g = test_city
    params = parameter_sets(g.households.regions, AS_OF)
    on_duckdb = columnar.evaluate_gathered(g, params)
    on_spark = distributed.evaluate(
        g.households, g.members, g.supporters, params, engine="spark",
        spark_session=local_session(), size=40,
    )  # fmt: skip
    _same(on_spark, on_duckdb)
    assert columnar.enrolment_changes(g, on_spark) == columnar.enrolment_changes(g, on_duckdb)

    totals = []
    for engine in ("duckdb", "spark"):
        args = ["evaluate", "--all", "--as-of", "2020-09-30", "--quiet", "--engine", engine]
        assert main(args) == 0
        totals.append(json.loads(capsys.readouterr().out))
    keep = ("households", "dibao", "dibao_amount_fen", "tekun", "tekun_amount_fen", "dibian")
    assert {k: totals[0][k] for k in keep} == {k: totals[1][k] for k in keep}
    assert totals[1]["engine"] == "spark" and totals[0]["dibao"] == int(
        (on_duckdb.dibao_route > 0).sum()
    )


def test_an_unknown_engine_is_refused(test_city: columnar.Gathered, capsys: Any) -> None:
    from minzheng.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["evaluate", "--all", "--engine", "flink"])
    assert exit_.value.code == 2
    assert "flink" in capsys.readouterr().err


@pytest.fixture
def committed_test_city(transactional_db: None, regions: None) -> columnar.Gathered:
    """The test city committed, so that Spark's worker processes can read it."""
    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.registry.seed import seed_registry

    do_load_parameter_catalog(None)
    seed_registry("test", 7)
    return columnar.gather(columnar.region_bounds("330200"), AS_OF)


@pytest.mark.slow
@pytest.mark.spark
def test_on_spark_each_task_reads_its_own_part_from_the_database(
    committed_test_city: columnar.Gathered, capsys: Any
) -> None:
    """`--engine spark`: the driver holds the parts' id ranges only; each Spark task (a worker
    process, with its own connection) reads its households and decides them — the same arrays,
    bit for bit, as one local gather and decision."""
    pytest.importorskip("pyspark")
    from minzheng.cli import main
    from minzheng.core.batchsql import local_session

    db = distributed.database_settings()
    if not distributed.reachable_from_workers(db):
        pytest.skip("an in-memory SQLite test database cannot be opened by Spark's workers")
    g = committed_test_city
    whole = columnar.evaluate_gathered(g, parameter_sets(g.households.regions, AS_OF))
    spread = distributed.evaluate_where_gathered(
        columnar.region_bounds("330200"), AS_OF, engine="spark",
        spark_session=local_session(), size=40,
    )  # fmt: skip
    assert np.array_equal(spread.household_ids, g.household_ids)
    _same(spread.result, whole)
    assert spread.changes == columnar.enrolment_changes(g, whole)

    assert main(["evaluate", "--all", "--as-of", "2020-09-30", "--quiet", "--engine", "spark"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["gathered_on"] == "executors"
    assert summary["households"] == len(g.household_ids)
    assert summary["dibao"] == int((whole.dibao_route > 0).sum())
