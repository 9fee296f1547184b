"""In the browser: a roll and a linkage run started from the task page (后台任务) go to the worker;
the page answers at once with the queued task and its progress bar, and the poll shows the end,
the result and the link to what the task made. (The household import: test_jobs_browser.py.)"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from tests.linkage.django.conftest import make_source_record
from tests.payments.conftest import dibao_li, tekun_zhao

from ..conftest import PASSWORD
from .conftest import log_in, run_queued_jobs

__all__ = ["dibao_li", "make_source_record", "tekun_zhao"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _start(page: Any, kind_label: str, **fields: str) -> None:
    page.goto("/jobs/")
    page.select_option("#start-job select[name=kind]", label=kind_label)
    if "county" in fields:
        page.select_option("#start-job select[name=county]", label=fields["county"])
    if "month" in fields:
        page.fill("#start-job input[name=month]", fields["month"])
    page.click("#start-job button.primary")
    page.wait_for_selector("#job-bar")


def test_a_roll_started_on_the_task_page_runs_on_the_worker(
    page: Any, approver_haishu: Any, dibao_li: Any, tekun_zhao: Any
) -> None:
    from minzheng.payments.models import PaymentLine, Roll

    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    _start(page, "生成发放花名册", county="海曙区", month="2020-03")
    assert page.inner_text("#job-status") == "排队中"
    assert page.inner_text("#job-percent") == "0%"
    assert not Roll.objects.exists()  # the page did not make it: the worker will

    assert run_queued_jobs() == 1
    page.wait_for_selector("#job-status:has-text('已完成')")  # the poll picks up the end
    assert page.inner_text("#job-percent") == "100%"
    assert "新增 2 条" in page.inner_text("#job-result")
    # and reloads the page: its end time shows, and the cancel form has gone
    ended = page.locator("dt:has-text('结束时间') + dd").inner_text()
    assert ended.startswith("20") and "取消任务" not in page.inner_text("body")
    roll = Roll.objects.get()
    assert PaymentLine.objects.filter(roll=roll).count() == 2
    page.click("#job-result-link")
    page.wait_for_selector("text=李建国")
    assert page.url.endswith(f"/payments/rolls/{roll.pk}/")

    # A bad month is refused on the task page, in Chinese, and nothing is queued.
    page.goto("/jobs/")
    page.select_option("#start-job select[name=kind]", label="生成发放花名册")
    page.fill("#start-job input[name=month]", "2020-13")
    page.click("#start-job button.primary")
    assert "月份格式应为YYYY-MM" in page.inner_text("#job-error")
    assert run_queued_jobs() == 0


def test_a_linkage_run_started_on_the_task_page_runs_on_the_worker(
    page: Any,
    approver_haishu: Any,
    household_li_three_members: Any,
    make_source_record: Callable[..., Any],
) -> None:
    from minzheng.linkage.models import CandidatePair, LinkageRun

    make_source_record(
        "人社",
        "RS-1",
        "李建国",
        birth_date=date(1950, 1, 1),
        phone="13805741234",
        address="海曙区南门街道福湖社区解放南路12号",
        region_id="330203001001",
    )
    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    _start(page, "多重身份识别")
    assert page.inner_text("#job-status") == "排队中"
    assert not LinkageRun.objects.exists()

    assert run_queued_jobs() == 1
    page.wait_for_selector("#job-status:has-text('已完成')")
    assert page.inner_text("#job-percent") == "100%"
    run = LinkageRun.objects.get()
    assert f"新增疑似同一人 {run.pairs_queued} 对" in page.inner_text("#job-result")
    assert CandidatePair.objects.filter(status=CandidatePair.Status.PENDING).exists()
    page.click("#job-result-link")
    page.wait_for_selector("text=李建国")
    assert "/linkage/" in page.url
