"""A roll, a monitoring run and an import started from the browser run on the worker: the page
answers at once, the worker does the work, the task page shows progress and the result."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.jobs.actions import do_cancel_job, do_retry_job, do_start_job
from minzheng.jobs.models import Job
from minzheng.jobs.runner import STALE_AFTER, execute, recover_stale
from minzheng.payments.models import PaymentLine, Roll
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_roll_job_makes_the_roll_on_the_worker(
    dibao_li: Any,
    tekun_zhao: Any,
    approver_haishu: Any,
    run_worker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = do_start_job(approver_haishu, "roll", {"county": "330203000000", "month": "2020-03"})
    assert job.status == Job.Status.QUEUED and job.region_id == "330203000000"
    assert not Roll.objects.exists()  # nothing happens until the worker runs

    assert run_worker() == 1
    job.refresh_from_db()
    roll = Roll.objects.get(county_id="330203000000", month=date(2020, 3, 1))
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 1
    assert job.result["roll"] == roll.pk and job.result["inserted"] == 2
    assert job.percent == 100 and job.finished_at is not None
    assert PaymentLine.objects.filter(roll=roll).count() == 2
    assert roll.made_by == approver_haishu


def test_a_worker_killed_mid_job_is_finished_by_the_next_with_no_duplicate_rows(
    dibao_li: Any,
    tekun_zhao: Any,
    approver_haishu: Any,
    run_worker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = do_start_job(approver_haishu, "roll", {"county": "330203000000", "month": "2020-03"})
    run_worker()
    first = sorted(PaymentLine.objects.values_list("id", "amount_fen"))
    # The worker "dies" after the work and before it can report: the row says running, and its
    # heartbeat stops. The next worker puts it back in the queue and runs it again.
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        finished_at=None,
        heartbeat_at=timezone.now() - STALE_AFTER - timedelta(seconds=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stale() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.message == "工作进程中断，已重新排队"
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2
    assert sorted(PaymentLine.objects.values_list("id", "amount_fen")) == first
    assert Roll.objects.count() == 1


def test_a_running_job_with_a_fresh_heartbeat_is_left_alone(
    approver_haishu: Any, dibao_li: Any
) -> None:
    job = do_start_job(approver_haishu, "roll", {"county": "330203000000", "month": "2020-03"})
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, heartbeat_at=timezone.now())
    assert recover_stale() == 0
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING


def test_cancel_before_start_and_retry(
    approver_haishu: Any, dibao_li: Any, tekun_zhao: Any
) -> None:
    job = do_start_job(approver_haishu, "roll", {"county": "330203000000", "month": "2020-03"})
    with pytest.raises(ValidationFailed, match="请填写取消原因"):
        do_cancel_job(approver_haishu, job.pk, reason=" ")
    do_cancel_job(approver_haishu, job.pk, reason="月份选错了")
    execute(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and not Roll.objects.exists()
    with pytest.raises(ValidationFailed, match="任务已结束，无法取消"):
        do_cancel_job(approver_haishu, job.pk, reason="再取消一次")
    do_retry_job(approver_haishu, job.pk)
    execute(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and Roll.objects.count() == 1
    with pytest.raises(ValidationFailed, match="只有失败或已取消的任务可以重试"):
        do_retry_job(approver_haishu, job.pk)


def test_cancel_during_the_run_stops_at_the_next_progress_report(
    approver_haishu: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from minzheng.jobs import kinds, runner

    monkeypatch.setattr(runner, "PROGRESS_EVERY", 0.0)
    seen: list[int] = []

    def slow(job: Any, actor: Any, progress: Any) -> dict[str, Any]:
        for n in range(10):
            seen.append(n)
            if n == 3:
                Job.objects.filter(pk=job.pk).update(cancel_requested=True)
            progress(n, 10, f"第{n}步")
        return {"summary": "不应到达"}

    monkeypatch.setitem(
        kinds.KINDS,
        "roll",
        kinds.JobKind(
            "roll",
            "生成发放花名册",
            kinds.KINDS["roll"].capability,
            slow,
            kinds.KINDS["roll"].region,
        ),
    )
    job = do_start_job(approver_haishu, "roll", {"county": "330203000000", "month": "2020-03"})
    execute(job.pk)
    job.refresh_from_db()
    assert seen == [0, 1, 2, 3]
    assert job.status == Job.Status.CANCELLED and job.message == "已按要求取消"
    assert job.done == 3 and job.total == 10


def test_a_failing_job_keeps_a_chinese_error_and_no_traceback_on_the_page(
    approver_haishu: Any,
) -> None:
    # No 海曙 enrolment exists, but the roll itself is fine; a bad county is refused up front.
    with pytest.raises(ValidationFailed, match="请选择区县"):
        do_start_job(approver_haishu, "roll", {"county": "3302", "month": "2020-03"})
    with pytest.raises(ValidationFailed, match="月份格式应为YYYY-MM"):
        do_start_job(approver_haishu, "roll", {"county": "330203000000", "month": "2020-13"})
    with pytest.raises(PermissionDenied, match="只能为本辖区启动后台任务"):
        do_start_job(approver_haishu, "roll", {"county": "330212000000", "month": "2020-03"})
    assert not Job.objects.exists()


def test_the_roll_page_starts_a_job_and_the_task_page_shows_progress(
    dibao_li: Any,
    tekun_zhao: Any,
    approver_haishu: Any,
    approver_yinzhou: Any,
    run_worker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = _client(approver_haishu)
    with django_capture_on_commit_callbacks(execute=True):
        job = do_start_job(approver_haishu, "roll", {"county": "330203000000", "month": "2020-03"})
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page
    waiting = client.get(f"/jobs/{job.pk}/progress/", headers={"HX-Request": "true"})
    assert "HX-Refresh" not in waiting and "HX-Redirect" not in waiting
    run_worker()
    polled = client.get(f"/jobs/{job.pk}/progress/", headers={"HX-Request": "true"})
    assert polled["HX-Refresh"] == "true"  # the page reloads: end time, no cancel form
    followed = client.get(f"/jobs/{job.pk}/progress/?follow=1", headers={"HX-Request": "true"})
    assert followed["HX-Redirect"].startswith("/payments/rolls/")
    fragment = client.get(f"/jobs/{job.pk}/progress/").content.decode()
    assert "已完成" in fragment and "100%" in fragment and "新增 2 条" in fragment
    assert "hx-trigger" not in fragment  # polling stops once the job has ended
    listing = client.get("/jobs/").content.decode()
    assert "生成发放花名册" in listing and "海曙区" in listing
    # Another county's approver does not see it.
    assert _client(approver_yinzhou).get(f"/jobs/{job.pk}/").status_code == 404


def test_the_task_page_starts_a_household_import_and_reports_bad_rows(
    caseworker_nanmen: Any, run_worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client(caseworker_nanmen)
    empty = client.post("/jobs/", {"kind": "household_import"})
    assert "请选择要导入的文件" in empty.content.decode() and not Job.objects.exists()
    upload = SimpleUploadedFile("households.csv", "不是表格\n".encode("gb18030"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/jobs/", {"kind": "household_import", "file": upload})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    run_worker()
    job.refresh_from_db()
    assert job.status in (Job.Status.SUCCEEDED, Job.Status.FAILED)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Traceback" not in page and "家庭户导入" in page
