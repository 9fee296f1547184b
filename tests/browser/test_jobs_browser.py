"""In the browser: a household import goes to the worker; the task page shows its progress bar,
then the counts, each refused row and the error report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.registry.test_import_households import CHEN_FAMILY, member, sheet

from ..conftest import PASSWORD
from .conftest import log_in, run_queued_jobs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_import_runs_on_the_worker_and_its_task_page_shows_the_result(
    page: Any, caseworker_nanmen: Any, tmp_path: Path, settings: Any
) -> None:
    from minzheng.registry.models import Person

    settings.VAR_DIR = tmp_path
    upload = tmp_path / "households.xlsx"
    upload.write_bytes(
        sheet(*CHEN_FAMILY, member("B", "户主", "赵敏", "330203198001011235")).getvalue()
    )
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.goto("/registry/households/")
    page.wait_for_selector("[data-region-picker] .picker-level")  # the picker moves the button
    page.click("#household-import")
    page.set_input_files("input[name=file]", str(upload))
    page.click("form.search >> text=导入")

    # The page answered at once: a queued task with its progress bar, nothing imported yet.
    page.wait_for_selector("#job-bar")
    assert page.inner_text("#job-status") == "排队中"
    assert not Person.objects.filter(name="陈国平").exists()

    assert run_queued_jobs() == 1
    page.wait_for_selector("#job-status:has-text('已完成')")  # the poll picks up the end
    assert page.inner_text("#job-percent") == "100%"
    summary = page.inner_text("#job-import-summary")
    assert "已导入行\t3" in summary and "未导入行\t1" in summary
    assert "身份证号码校验码不符" in page.inner_text("#job-row-errors")
    with page.expect_download() as download:
        page.click("#job-result-link")
    assert download.value.suggested_filename == "导入错误报告.xlsx"
    assert Person.objects.filter(name="陈国平").exists()
