from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ..conftest import PASSWORD
from .conftest import log_in, run_queued_jobs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_approver_loads_a_feed_runs_the_monitor_and_closes_a_false_positive(
    page: Any, approver_haishu: Any, household_li_three_members: Any, tmp_path: Any
) -> None:
    from minzheng.assistance.actions import do_enrol, do_load_parameter_catalog
    from minzheng.core.yearmonth import YearMonth

    do_load_parameter_catalog(None)
    do_enrol(
        None,
        household=household_li_three_members,
        programme="dibao",
        start=YearMonth(2020, 3),
        amount=Decimal("300"),
    )
    feed = tmp_path / "vehicle.csv"
    feed.write_text(
        "id_number,plate,kind,registered_on,deregistered_on\n"
        "330203198006204438,浙B88888,car,2020-09-10,\n"
        "330203198006204439,浙B1,car,2020-09-10,\n",
        encoding="gb18030",
    )
    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.click("#sidebar >> text=部门核对数据")
    page.select_option("select[name=source] >> nth=0", "vehicle")
    page.set_input_files("input[name=file]", str(feed))
    page.click("form.search >> text=导入")
    page.wait_for_selector("#counts")
    assert "新增 1" in page.inner_text("#counts") and "错误 1" in page.inner_text("#counts")
    assert "第2行" in page.inner_text("#rejected")

    page.click("#sidebar >> text=预警处置")
    page.fill("input[name=month]", "2020-09")
    page.click("text=运行动态监测")
    page.wait_for_selector("#job-progress")  # the run goes to the worker
    assert run_queued_jobs() == 1
    page.wait_for_url("**/monitoring/warnings/?month=2020-09*")
    assert page.locator("#warnings tbody tr").count() == 1
    row = page.locator("#warnings tbody tr").first
    assert "新增车辆" in row.inner_text() and "启动复核" in row.inner_text()
    row.locator("a").first.click()
    assert "浙B88888" in page.inner_text("#evidence")
    page.select_option("#close-form select[name=closure]", "false_positive")
    page.fill("#close-form input[name=note]", "车辆已于当月转让")
    page.click("#close-form button")
    page.wait_for_selector("text=核实不实（误报）")
    page.goto("/monitoring/warnings/")
    assert page.inner_text("#stat-fp") == "100.0%"
