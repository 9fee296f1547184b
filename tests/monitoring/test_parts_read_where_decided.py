"""The monitor and batch verification cut into household parts, each part read from the database
by its own task (`monitoring.distributed`, `verification.distributed`), find exactly what one
read of the whole city finds: the same findings in the same order, the same evidence."""

from __future__ import annotations

from typing import Any

import pytest

from minzheng.monitoring import distributed, jobs
from minzheng.verification import distributed as verification_parts
from minzheng.verification import jobs as verification
from minzheng.verification.checks import MemberData
from minzheng.verification.demo import load_all
from tests.monitoring.conftest import MONTH


def _by_person(gathered: dict[int, list[MemberData]]) -> dict[int, list[MemberData]]:
    # Members come in the database's row order, which a different query plan may change.
    return {h: sorted(ms, key=lambda m: m.person_id) for h, ms in gathered.items()}


def _enrolled_households() -> list[int]:
    from minzheng.assistance.models import Enrolment

    return sorted(set(Enrolment.objects.values_list("household_id", flat=True)))


def test_each_household_part_finds_what_the_whole_city_finds(planted: Any) -> None:
    from minzheng.assistance.columnar import household_id_ranges

    load_all(planted)
    whole, whole_policies = jobs.find(MONTH)
    assert len(whole) == 20  # every planted truth (tests/monitoring/test_planted_truths.py)
    parts = household_id_ranges(distributed.EVERY_REGION, 7)
    assert len(parts) > 10  # the ~180 households of the test city in parts of 7
    labels: list[str] = []
    spread, policies = distributed.find(MONTH, size=7, progress=labels.append)
    assert spread == whole  # the same findings, in the query's order
    assert policies == whole_policies
    assert labels == [f"分为{len(parts) + 1}段", "比对"]
    # the planted person who lives in no household, found by the extra part
    strangers = [f for f in spread if f.household_id is None]
    assert [(f.kind, f.source) for f in strangers] == [("high_medical_cost", "medical")]
    assert strangers[0].masked and strangers[0].cipher


def test_a_part_reads_only_its_own_households(planted: Any) -> None:
    load_all(planted)
    whole, _ = jobs.find(MONTH)
    household = next(f.household_id for f in whole if f.household_id is not None)
    own, _ = distributed.find_in(MONTH, (household, household))
    assert own == [f for f in whole if f.household_id == household]
    none, _ = distributed.find_in(MONTH, (10**9, 10**9 + 5))
    assert none == []


def test_verification_parts_gather_the_evidence_of_one_gather(planted: Any) -> None:
    load_all(planted)
    households = _enrolled_households()
    as_of = MONTH.last_day()
    whole = verification.gather(households, as_of)
    assert len(households) == 24
    assert sum(len(m.rows) for ms in whole.values() for m in ms) > 0
    spread = verification_parts.gather(households, as_of, size=5)
    assert list(spread) == list(whole)  # the caller's order
    assert _by_person(spread) == _by_person(whole)
    assert verification_parts.gather([], as_of) == {}


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
