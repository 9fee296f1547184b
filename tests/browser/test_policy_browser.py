"""In the browser: the county approver draws this month's 低保抽查 from the menu; a caseworker
proposes a 补发 from a person's payment history and a second person approves it on 补发."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ..conftest import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def li_enrolled(household_li_three_members: Any) -> Any:
    from minzheng.assistance.actions import do_enrol, do_load_parameter_catalog
    from minzheng.core import clock
    from minzheng.core.yearmonth import YearMonth

    do_load_parameter_catalog(None)
    return do_enrol(
        None,
        household=household_li_three_members,
        programme="dibao",
        start=YearMonth.of(clock.today()) - 3,
        amount=Decimal("150"),
    )


def test_the_approver_draws_the_spot_check_and_opens_the_review(
    page: Any, approver_haishu: Any, li_enrolled: Any
) -> None:
    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.click("#sidebar >> text=低保抽查")
    page.click("text=抽查家庭")  # the 抽取YYYY-MM抽查家庭 button
    page.wait_for_selector("text=每户已启动复核")
    body = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    assert "李建国" in body and "南门街道" in body and "待复核" in body
    page.click("table a:text-is('复核')")
    page.wait_for_load_state("networkidle")
    assert "/applications/reviews/" in page.url


def test_a_back_pay_is_proposed_then_approved_by_another_person(
    page: Any, caseworker_nanmen: Any, approver_haishu: Any, li_enrolled: Any
) -> None:
    from minzheng.core import clock
    from minzheng.core.yearmonth import YearMonth

    last = YearMonth.of(clock.today()) - 1
    head = li_enrolled.household.head
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.goto(f"/payments/persons/{head.pk}/history/")
    page.click("text=申请补发")
    page.fill("input[name=from_month]", str(last))
    page.fill("input[name=to_month]", str(last))
    page.fill("input[name=amount]", "abc")
    page.fill("textarea[name=reason]", "上月少发，按复核结论补发")
    page.click("text=提交审批")
    page.wait_for_selector(".alert-error")
    assert "每月补发金额" in page.inner_text(".alert-error")
    page.fill("input[name=amount]", "40")
    page.click("text=提交审批")
    page.wait_for_selector("text=待另一人审批")
    assert "40.00" in page.inner_text("table")

    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.click("#sidebar >> text=补发")
    page.click("button:has-text('审批')")
    page.wait_for_selector(f"text=随{YearMonth.of(clock.today())}花名册发放")
