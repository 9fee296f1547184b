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
    assert labels == [f"分为{len(parts) + 1}段", "数据按家庭分段", "比对"]
    # the planted person who lives in no household, found by the extra part
    strangers = [f for f in spread if f.household_id is None]
    assert [(f.kind, f.source) for f in strangers] == [("high_medical_cost", "medical")]
    assert strangers[0].masked and strangers[0].cipher


def test_a_part_reads_only_its_own_households(planted_and_loaded: Any) -> None:
    whole, _ = jobs.find(MONTH)
    household = next(f.household_id for f in whole if f.household_id is not None)
    policy = distributed.policies(MONTH)
    with distributed.part_feeds(MONTH) as feeds:
        own = distributed.find_in(MONTH, (household, household), feeds, policy)
        none = distributed.find_in(MONTH, (10**9, 10**9 + 5), feeds, policy)
    assert own == [f for f in whole if f.household_id == household]
    assert none == []


def _scratch_tables() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return [n for n in names if n.startswith(distributed.PART_FEEDS_PREFIX)]


def test_each_feed_row_is_given_its_household_once_and_the_table_is_dropped(
    planted_and_loaded: Any,
) -> None:
    from django.db import connection

    from minzheng.verification import frames

    last = MONTH.last_day()
    members = frames.members(last, names=False).to_pylist()
    households_of: dict[str, set[int]] = {}
    for m in members:
        households_of.setdefault(m["idx"], set()).add(m["household_id"])
    year_start = (MONTH - 11).first_day()
    # every row the monitor reads (its medical floor 0: the parts read every member's sum)
    read = frames.monitor_feeds(last, year_start, 0).to_pylist()
    wanted = sorted(
        (h, r["record_id"], r["idx"], r["amount_fen"])
        for r in read
        for h in households_of.get(r["idx"], ())
    )
    assert len(wanted) > 40  # the planted month: events, holdings, incomes, medical sums
    with distributed.part_feeds(MONTH) as feeds:
        assert _scratch_tables() == [feeds]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT household_id, record_id, idx, amount_fen FROM {feeds}")
            given = sorted(tuple(r) for r in cursor.fetchall())
    assert given == wanted
    assert _scratch_tables() == []


def test_a_part_reads_the_members_the_whole_read_reads_in_its_households(
    planted_and_loaded: Any,
) -> None:
    """Not every member of the part's households: those of its enrolled households and the
    persons with a feed row (`frames.monitor_members`, medical sums at any amount)."""
    from minzheng.assistance.columnar import household_id_ranges
    from minzheng.verification import frames

    last = MONTH.last_day()
    enrolled = frames.enrolled(MONTH.first_day()).column("household_id").to_pylist()
    with_rows = frames.monitor_feeds(last, (MONTH - 11).first_day(), 0).column("idx").to_pylist()
    whole = {
        (m["household_id"], m["person_id"])
        for m in frames.monitor_members(last, enrolled, [i for i in with_rows if i]).to_pylist()
    }
    everyone = {(m["household_id"], m["person_id"]) for m in frames.members(last).to_pylist()}
    assert len(whole) < len(everyone) / 2  # most residents are neither
    read: set[tuple[int, int]] = set()
    policy = distributed.policies(MONTH)
    with distributed.part_feeds(MONTH) as feeds:
        for lo, hi in household_id_ranges(distributed.EVERY_REGION, 30):
            members, _, _ = distributed._part_tables(MONTH, (lo, hi), feeds, policy)
            part = {(m["household_id"], m["person_id"]) for m in members.to_pylist()}
            assert part == {(h, p) for h, p in whole if lo <= h <= hi}
            read |= part
    assert read == whole


def test_the_scratch_table_is_dropped_when_a_part_fails(
    planted_and_loaded: Any, monkeypatch: Any
) -> None:
    def fails(month: Any, ids: Any, feeds: str, policy: Any) -> Any:
        raise RuntimeError("断开")

    monkeypatch.setattr(distributed, "find_in", fails)
    try:
        distributed.find(MONTH, size=50)
    except RuntimeError as e:
        assert str(e) == "断开"
    else:
        raise AssertionError("the part's error was swallowed")
    assert _scratch_tables() == []


def test_a_killed_runs_table_is_dropped_a_day_later_and_a_running_ones_kept(
    planted_and_loaded: Any,
) -> None:
    import time

    from django.db import connection

    now = int(time.time())
    old = f"{distributed.PART_FEEDS_PREFIX}{now - distributed.STALE_AFTER_SECONDS - 5}_0a1b2c3d"
    running = f"{distributed.PART_FEEDS_PREFIX}{now - 600}_0a1b2c3e"
    with connection.cursor() as cursor:
        for name in (old, running):
            cursor.execute(f"CREATE TABLE {name} (household_id bigint)")
    with distributed.part_feeds(MONTH) as feeds:
        assert sorted(_scratch_tables()) == sorted([running, feeds])
    assert _scratch_tables() == [running]


def test_only_a_scratch_tables_name_goes_into_the_parts_sql(planted_and_loaded: Any) -> None:
    for bad in ("registry_person", "monitor_part_feeds_1; DROP TABLE x", "monitor_part_feeds_"):
        try:
            distributed.find_in(MONTH, (1, 2), bad, distributed.policies(MONTH))
        except ValueError as e:
            assert "不是监测分段数据表" in str(e)
        else:
            raise AssertionError(bad)


def test_a_person_living_in_two_households_is_found_in_each_as_the_whole_finds(
    planted_and_loaded: Any,
) -> None:
    from minzheng.registry.models import Household, Membership, Person, Relationship

    whole, _ = jobs.find(MONTH)
    finding = next(f for f in whole if f.household_id is not None and f.kind != "high_medical_cost")
    person = Person.objects.get(id_number_index=finding.idx)
    # the last enrolled household (the rules read enrolled households), far from the first part
    other = Household.objects.get(pk=max(set(_enrolled_households()) - {finding.household_id}))
    Membership.objects.create(
        household=other,
        person=person,
        relationship=Relationship.OTHER,
        valid_from=(MONTH - 12).first_day(),
    )
    whole, _ = jobs.find(MONTH)
    spread, _ = distributed.find(MONTH, size=7)
    assert spread == whole
    assert {finding.household_id, other.pk} <= {
        f.household_id for f in whole if f.idx == finding.idx
    }
    together, _ = distributed.find(MONTH, size=10**6)  # both households in one part
    assert together == whole


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
