"""The monitor job reports row-level progress through the jobs progress API (the job page's bar):
one report per finding acted on, ending at total / total."""

from __future__ import annotations

from typing import Any

from minzheng.jobs.kinds import KINDS
from minzheng.jobs.models import Job
from minzheng.monitoring.models import Warning
from minzheng.verification.demo import load_all
from tests.monitoring.conftest import MONTH


def test_the_monitor_job_reports_each_finding_it_acts_on(planted: Any) -> None:
    load_all(planted)
    calls: list[tuple[int, int, str]] = []
    job = Job(kind="monitor", params={"month": str(MONTH)})
    result = KINDS["monitor"].run(job, None, lambda d, t, m: calls.append((d, t, m)))

    rows = [c for c in calls if c[1] > 0]  # the stages before report (n, 0, stage)
    created = Warning.objects.count()
    assert result["created"] == created == 20
    assert [(d, t) for d, t, _ in rows] == [(n, created) for n in range(1, created + 1)]
    assert rows[-1][2] == f"处置预警 {created} / {created} 条"
    assert any(t == 0 for _, t, _ in calls)  # the stages are still reported

    again: list[tuple[int, int, str]] = []
    KINDS["monitor"].run(job, None, lambda d, t, m: again.append((d, t, m)))
    assert [c for c in again if c[1] > 0] == []  # a rerun finds nothing new to act on
