"""In Chromium: the resident asks on the portal for a new benefit account, a county approver
approves it on 资金发放 › 银行账户变更, and the portal then shows it approved and in use."""

from __future__ import annotations

from typing import Any

import pytest

from minzheng.payments.actions import do_register_bank_account
from minzheng.payments.models import BankAccount
from tests.payments.conftest import enrol

from ..conftest import PASSWORD
from .conftest import code_from_outbox, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_requests_approver_approves_portal_shows_it(
    page: Any,
    browser: Any,
    live_server: Any,
    settings: Any,
    household_li_three_members: Any,
    caseworker_nanmen: Any,
    approver_haishu: Any,
    sysadmin: Any,
) -> None:
    settings.DEMO_MODE = True
    enrol(household_li_three_members, "dibao", "2024-01", "1200.00")
    li = household_li_three_members.head
    do_register_bank_account(
        caseworker_nanmen, li, bank_name="中国工商银行", number="6222020200112233445"
    )

    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    resident = context.new_page()
    resident.goto("/portal/")
    resident.fill("input[name=id_number]", "330203195001011238")
    resident.click("button[type=submit]")
    resident.wait_for_selector("input[name=code]")
    resident.fill("input[name=code]", code_from_outbox(browser, live_server))
    resident.click("button[type=submit]")
    resident.click("#portal-account")
    assert "6222***********3445" in resident.inner_text("#current-account")
    resident.select_option("select[name=bank_name]", "中国建设银行")
    resident.fill("input[name=account_number]", "6217000010012345677")
    resident.fill("input[name=reason]", "原卡挂失")
    resident.click("#account-change-form button[type=submit]")
    resident.wait_for_selector("#account-filed")
    assert "待审核" in resident.inner_text("#account-changes")

    log_in(page, "approver_haishu", PASSWORD)
    page.click("#sidebar >> text=银行账户变更")
    row = page.locator("tr:has-text('李建国')")
    assert "居民本人（网上申请）" in row.inner_text()
    row.locator("button[value=approve]").click()
    page.fill("#confirm-dialog [data-confirm-reason-input]", "核对本人银行卡无误")
    page.click("#confirm-dialog [data-confirm-ok]")
    page.wait_for_selector("tr:has-text('李建国') .status >> text=已批准")

    resident.goto("/portal/account/")
    assert "已批准" in resident.inner_text("#account-changes")
    assert "中国建设银行 6217***********5677" in resident.inner_text("#current-account")
    active = BankAccount.objects.get(person=li, active=True)
    assert (active.bank_name, active.number_masked) == ("中国建设银行", "6217***********5677")
    context.close()
