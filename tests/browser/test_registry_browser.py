from __future__ import annotations

from typing import Any

import pytest

from ..conftest import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_adds_a_member_and_the_household_shows_them_once_approved(
    page: Any, caseworker_nanmen: Any, approver_haishu: Any, household_li_three_members: Any
) -> None:
    household_url = f"/registry/households/{household_li_three_members.pk}/"
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.goto(household_url)
    page.click("#change-add_member summary")
    form = page.locator("#change-add_member form")
    form.locator("input[name=name]").fill("李小雨")
    form.locator("input[name=id_number]").fill("330203202005010120")
    form.locator("select[name=relationship]").select_option("grandchild")
    form.locator("input[name=reason]").fill("新生儿落户")
    form.locator("button").click()
    page.wait_for_selector("text=变更申请已提交，等待县级审核")
    assert "增加成员 李小雨（孙子女）" in page.inner_text("#pending")
    assert "李小雨" not in page.inner_text("#members")

    page.context.clear_cookies()
    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.click("#sidebar >> text=家庭变更申请")
    row = page.locator("#change-requests tbody tr").first
    assert "增加成员 李小雨（孙子女）" in row.inner_text()
    row.locator("input[name=comment]").fill("出生证明齐全")
    row.locator("button[value=approve]").click()
    # The confirmation dialog carries the comment typed in the row as its reason.
    assert page.input_value("#confirm-dialog [data-confirm-reason-input]") == "出生证明齐全"
    page.click("#confirm-dialog [data-confirm-ok]")
    page.wait_for_selector("#change-requests td.status >> text=已批准")  # swapped in by HTMX
    assert page.url.endswith("/registry/change-requests/")

    page.goto(household_url)
    members = page.inner_text("#members")
    assert "李小雨" in members and "孙子女" in members
    assert "户主变更" not in page.inner_text("#history") and "李小雨" in page.inner_text("#history")
