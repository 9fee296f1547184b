"""Only the kinds that use the pacing (分块大小, 分块间暂停秒数) take it, and a finished 在保家庭批量核对
links its results through the `result_link` its kind declares, like every other kind."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from minzheng.core.errors import ValidationFailed
from minzheng.jobs.actions import do_start_job
from minzheng.jobs.kinds import KINDS
from minzheng.jobs.models import Job
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_only_the_roll_is_paced() -> None:
    assert [code for code, kind in KINDS.items() if kind.paced] == ["roll"]


def test_pacing_for_a_batch_verification_is_refused_and_nothing_is_queued(
    approver_haishu: Any,
) -> None:
    with pytest.raises(ValidationFailed, match="在保家庭批量核对不使用分块大小和暂停秒数"):
        do_start_job(
            approver_haishu, "verification_batch", {"county": "330203000000", "chunk_size": "10"}
        )
    assert not Job.objects.exists()


def test_the_task_page_drops_pacing_for_a_kind_without_it_and_keeps_it_for_a_roll(
    approver_haishu: Any,
) -> None:
    client = _client(approver_haishu)
    form = {"county": "330203000000", "chunk_size": "500", "pause": "1"}
    response = client.post("/jobs/", {"kind": "verification_batch", **form})
    assert response.status_code == 302
    batch = Job.objects.get(kind="verification_batch")
    assert batch.params == {"county": "330203000000"}
    client.post("/jobs/", {"kind": "roll", "month": "2020-03", **form})
    roll = Job.objects.get(kind="roll")
    assert roll.params == {
        "county": "330203000000",
        "month": "2020-03",
        "chunk_size": "500",
        "pause": "1",
    }


def test_a_finished_batch_verification_links_its_results_through_its_kind(
    approver_haishu: Any,
) -> None:
    link = KINDS["verification_batch"].result_link
    assert link({"job": 7, "first_check": 3, "checked": 2}) == (
        "/verification/checks/?job=7",
        "查看核对结果（2 户）",
    )
    assert link({"job": 7, "first_check": None, "checked": 0}) is None
    job = Job.objects.create(
        kind="verification_batch",
        params={"county": "330203000000"},
        region_id="330203000000",
        started_by=approver_haishu,
        status=Job.Status.SUCCEEDED,
        result={"job": 0, "first_check": 1, "checked": 1, "summary": "核对在保家庭 1 户"},
    )
    job.result["job"] = job.pk
    job.save(update_fields=["result"])
    page = _client(approver_haishu).get(f"/jobs/{job.pk}/").content.decode()
    assert f'id="job-result-link" href="/verification/checks/?job={job.pk}"' in page
    assert "查看核对结果（1 户）" in page
    assert 'id="batch-results"' not in page
