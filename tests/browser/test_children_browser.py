"""In the browser: the township caseworker finds an orphan in the registry, her grandmother applies,
the township reviews, the county approves, and next month's roll pays 1,600.00 元 to her."""

from __future__ import annotations

from typing import Any

import pytest

from minzheng.core.clock import today
from minzheng.core.yearmonth import YearMonth
from tests.children.conftest import household_li_orphan, parameters  # noqa: F401 — by name

from ..conftest import PASSWORD
from .conftest import log_in, run_queued_jobs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_child_is_identified_enrolled_and_paid_through_the_roll(
    page: Any,
    household_li_orphan: Any,  # noqa: F811
    caseworker_nanmen: Any,
    approver_haishu: Any,
) -> None:
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.click("#sidebar >> text=孤儿与困境儿童")
    page.click("#identify button")
    page.wait_for_selector("text=新发现 1 名儿童")
    page.locator("#child-cases tr", has_text="李小雨").locator("a").first.click()
    assert "社会散居孤儿" in page.inner_text("#case-category")
    assert "认定为社会散居孤儿" in page.inner_text("#decision-summary")
    page.fill("#apply input[name=guardian_name]", "张桂芳")
    page.fill("#apply input[name=guardian_relation]", "祖母")
    page.click("#apply button")
    page.wait_for_selector("#case-status >> text=已申请待审核")
    page.click("#review button[value='1']")
    page.wait_for_selector("#case-status >> text=乡镇已审核待审批")
    case_url = page.url

    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.goto(case_url)
    page.click("#decide button[value='1']")
    page.wait_for_selector("#case-status >> text=已纳入保障")
    assert "1,600.00 元" in page.inner_text("#case-amount")

    month = YearMonth.of(today()) + 1
    page.click("#sidebar >> text=发放花名册")
    page.fill("input[name=month]", str(month))
    page.select_option("select[name=county]", "330203000000")
    page.click("form[data-roll-generate] button")
    page.wait_for_selector("#job-progress")  # the roll is made by the worker
    assert run_queued_jobs() == 1
    page.wait_for_selector("[data-roll-status]")
    row = page.locator("[data-roll-lines] tr", has_text="李小雨")
    assert "儿童保障" in row.inner_text() and "1,600.00" in row.inner_text()
