"""On Spark, each task reads its own households' part from the database and finds what one read
of the whole city finds (`monitoring.distributed`, `verification.distributed`); the monitor run
on Spark goes the per-part way. Transactional (Spark's workers read committed rows), so in a
module of its own: tests/monitoring/test_parts_read_where_decided.py shares one city per module."""

from __future__ import annotations

from typing import Any

import pytest

from minzheng.monitoring import distributed, jobs
from minzheng.verification import distributed as verification_parts
from minzheng.verification import jobs as verification
from minzheng.verification.demo import load_all
from tests.monitoring.conftest import MONTH
from tests.monitoring.test_parts_read_where_decided import _by_person, _enrolled_households


@pytest.fixture
def committed_planted(transactional_db: None, regions: None) -> Any:
    """The monitor's test city with its month of feeds loaded, committed, so that Spark's worker
    processes (their own connections) can read it."""
    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.registry.seed import seed_registry
    from minzheng.verification.demo import enrol_sample, enrolled_households, plant

    do_load_parameter_catalog(None)
    seed_registry("test", 7)
    enrol_sample(24 - len(enrolled_households(MONTH)), MONTH - 6)
    load_all(plant(MONTH, seed=3))


@pytest.mark.slow
@pytest.mark.spark
def test_on_spark_each_task_reads_its_own_households(committed_planted: None) -> None:
    pytest.importorskip("pyspark")
    from minzheng.core.batchsql import local_session

    if not distributed.reachable():
        pytest.skip("an in-memory SQLite test database cannot be opened by Spark's workers")
    session = local_session()
    whole, whole_policies = jobs.find(MONTH)
    assert len(whole) == 20
    on_spark, policies = distributed.find(MONTH, engine="spark", spark_session=session, size=40)
    assert on_spark == whole and policies == whole_policies

    households = _enrolled_households()
    as_of = MONTH.last_day()
    gathered = verification_parts.gather(
        households, as_of, engine="spark", spark_session=session, size=10
    )
    assert _by_person(gathered) == _by_person(verification.gather(households, as_of))

    # The monitor run on Spark (`minzheng monitor --engine spark`) goes the per-part way.
    from minzheng.monitoring.actions import do_run_monitor
    from minzheng.monitoring.models import Warning

    labels: list[str] = []
    result = do_run_monitor(None, MONTH, engine="spark", progress=labels.append)
    assert labels[0].startswith("分为") and result.found == 20
    assert Warning.objects.count() == 20
