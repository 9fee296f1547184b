"""The monitor and batch verification cut into household parts, each part read from the database
by its own task (`monitoring.distributed`, `verification.distributed`), find exactly what one
read of the whole city finds: the same findings in the same order, the same evidence."""

from __future__ import annotations

from typing import Any

from minzheng.monitoring import distributed, jobs
from minzheng.verification import distributed as verification_parts
from minzheng.verification import jobs as verification
from minzheng.verification.checks import MemberData
from tests.monitoring.conftest import MONTH


def _by_person(gathered: dict[int, list[MemberData]]) -> dict[int, list[MemberData]]:
    # Members come in the database's row order, which a different query plan may change.
    return {h: sorted(ms, key=lambda m: m.person_id) for h, ms in gathered.items()}


def _enrolled_households() -> list[int]:
    from minzheng.assistance.models import Enrolment

    return sorted(set(Enrolment.objects.values_list("household_id", flat=True)))


def test_each_household_part_finds_what_the_whole_city_finds(planted_and_loaded: Any) -> None:
    from minzheng.assistance.columnar import household_id_ranges

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


def test_a_part_reads_only_its_own_households(planted_and_loaded: Any) -> None:
    whole, _ = jobs.find(MONTH)
    household = next(f.household_id for f in whole if f.household_id is not None)
    own, _ = distributed.find_in(MONTH, (household, household))
    assert own == [f for f in whole if f.household_id == household]
    none, _ = distributed.find_in(MONTH, (10**9, 10**9 + 5))
    assert none == []


def test_verification_parts_gather_the_evidence_of_one_gather(planted_and_loaded: Any) -> None:
    households = _enrolled_households()
    as_of = MONTH.last_day()
    whole = verification.gather(households, as_of)
    assert len(households) == 24
    assert sum(len(m.rows) for ms in whole.values() for m in ms) > 0
    spread = verification_parts.gather(households, as_of, size=5)
    assert list(spread) == list(whole)  # the caller's order
    assert _by_person(spread) == _by_person(whole)
    assert verification_parts.gather([], as_of) == {}
