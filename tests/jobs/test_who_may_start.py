"""A job kind is offered, started and retried only for those whose action the worker will then
run for them: the page refuses, not the worker later. The linkage run decides on pairs, so it
needs a caseworker or an approver, not only the right to read case data (市级管理员)."""

from __future__ import annotations

from typing import Any

import pytest

from minzheng.core.errors import PermissionDenied
from minzheng.jobs.actions import do_retry_job, do_start_job
from minzheng.jobs.kinds import KINDS
from minzheng.jobs.models import Job
from tests.jobs.test_job_pacing_and_links import _client

pytestmark = pytest.mark.django_db


def test_a_city_administrator_is_not_offered_a_linkage_run_and_is_refused_one(
    city_admin: Any,
) -> None:
    assert KINDS["linkage"].startable_by(city_admin) is False
    client = _client(city_admin)
    page = client.get("/jobs/").content.decode()
    assert 'value="linkage"' not in page.split('id="start-job"')[1].split("</form>")[0]
    queue = client.get("/linkage/candidates/")
    assert queue.status_code == 200 and "运行多重身份识别" not in queue.content.decode()
    refused = client.post("/jobs/", {"kind": "linkage"}).content.decode()
    assert "您的角色无权启动此后台任务" in refused
    with pytest.raises(PermissionDenied, match="您的角色无权启动此后台任务"):
        do_start_job(city_admin, "linkage", {})
    assert not Job.objects.exists()


def test_an_approver_starts_one_and_a_city_administrator_cannot_retry_it(
    approver_haishu: Any, city_admin: Any
) -> None:
    assert KINDS["linkage"].startable_by(approver_haishu) is True
    assert (
        "运行多重身份识别" in _client(approver_haishu).get("/linkage/candidates/").content.decode()
    )
    job = do_start_job(approver_haishu, "linkage", {})
    assert job.region_id == "330203000000"  # a city-wide kind run by a county: its own county
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED)
    with pytest.raises(PermissionDenied, match="您的角色无权重试此后台任务"):
        do_retry_job(city_admin, job.pk)
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED
