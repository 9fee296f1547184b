"""An approver starts the 批量核对 of the county from the task page, watches it finish, opens its
results and one household's evidence."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ..conftest import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_approver_runs_the_batch_and_reads_a_households_discrepancy(
    page: Any, approver_haishu: Any, household_li_three_members: Any
) -> None:
    from minzheng.assistance.actions import do_enrol, do_load_parameter_catalog
    from minzheng.core.yearmonth import YearMonth
    from minzheng.jobs.models import Job
    from minzheng.jobs.runner import execute
    from minzheng.verification.actions import do_load_feed

    do_load_parameter_catalog(None)
    do_enrol(
        None,
        household=household_li_three_members,
        programme="dibao",
        start=YearMonth(2026, 1),
        amount=Decimal("600"),
    )
    do_load_feed(
        None,
        "vehicle",
        b"id_number,plate,kind,registered_on,deregistered_on\n"
        b"330203198006204438,ZB12345,car,2019-04-01,\n",
        filename="vehicle.csv",
    )
    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.goto("/jobs/")
    page.select_option("#start-job select[name=kind]", "verification_batch")
    page.select_option("#start-job select[name=county]", "330203000000")
    page.click("#start-job button")
    page.wait_for_selector("#job-progress")
    job = Job.objects.get(kind="verification_batch")
    execute(job.pk)  # the worker's part
    page.wait_for_selector("#job-result")  # the polling fragment shows the end by itself
    assert "核对在保家庭 1 户，不符合 1 户" in page.inner_text("#job-result")
    page.reload()
    assert page.inner_text("#job-result-link") == "查看核对结果（1 户）"
    page.click("#job-result-link")
    page.wait_for_selector("#batch-checks")
    row = page.locator("#batch-checks tbody tr").first
    assert "李建国" in row.inner_text() and "不符合" in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_selector("#evidence-items")
    assert "ZB12345" in page.inner_text("#evidence-items")
    assert page.inner_text("#check-result").startswith("不符合")
