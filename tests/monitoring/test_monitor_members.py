"""The monitor reads only the members a finding can involve — every member of an enrolled household
and every person with a feed row — and finds exactly what it finds over the whole registry."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from minzheng.monitoring import jobs
from minzheng.verification import frames
from tests.monitoring.conftest import MONTH


def _whole_registry(as_of: Any, household_ids: Any, indexes: Any) -> pa.Table:
    return frames.members(as_of, names=False)


def test_it_reads_the_enrolled_households_and_the_persons_with_feed_rows(
    planted_and_loaded: Any,
) -> None:
    last = MONTH.last_day()
    everyone = frames.members(last, names=False)
    enrolled = set(frames.enrolled(MONTH.first_day()).column("household_id").to_pylist())
    fed = set(frames.monitor_feeds(last, (MONTH - 11).first_day(), 0).column("idx").to_pylist())

    read = frames.monitor_members(last, sorted(enrolled), sorted(fed))

    rows = set(zip(*(read.column(c).to_pylist() for c in ("household_id", "idx")), strict=True))
    expected = {
        (household, idx)
        for household, idx in zip(
            everyone.column("household_id").to_pylist(),
            everyone.column("idx").to_pylist(),
            strict=True,
        )
        if household in enrolled or idx in fed
    }
    assert rows == expected
    assert read.num_rows == len(expected)  # a member both enrolled and fed is read once
    # the point: most of the registry is left in the database
    assert 0 < read.num_rows < everyone.num_rows // 2


def test_its_findings_are_those_over_the_whole_registry(
    planted_and_loaded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    few, _ = jobs.find(MONTH)
    monkeypatch.setattr(frames, "monitor_members", _whole_registry)
    whole, _ = jobs.find(MONTH)
    assert [f.key for f in few] == [f.key for f in whole]
    assert few == whole
    assert {f.kind for f in few} >= {"death", "income_over_line", "high_medical_cost"}


def test_with_nothing_enrolled_and_no_feeds_it_reads_nobody(planted_and_loaded: Any) -> None:
    read = frames.monitor_members(MONTH.last_day(), [], [])
    assert read.num_rows == 0
