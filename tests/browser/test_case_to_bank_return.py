"""The month's whole job in Chromium, no shell: a resident applies on the portal with a bank
account, the township and the county take the case through 公示 (the demo clock moves the
platform's date), the city makes next month's roll, the county approves it, makes and downloads
the bank file, and imports the bank's return."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from minzheng.core.yearmonth import YearMonth

from ..conftest import PASSWORD
from .conftest import code_from_outbox, log_in, run_queued_jobs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LI_ID = "330203195001011238"


@pytest.fixture
def demo_mode(settings: Any, tmp_path: Path) -> Path:
    settings.DEMO_MODE = True
    settings.VAR_DIR = tmp_path
    return tmp_path


def _sign_in_afresh(staff: Any, username: str) -> None:
    log_in(staff, username, PASSWORD)
    staff.wait_for_selector("text=工作台")


def _open_case(staff: Any) -> None:
    staff.goto("/applications/")
    staff.click("#queue-table tbody tr:first-child a")
    staff.wait_for_selector("#current-step")


def _set_demo_date(staff: Any, day: str) -> None:
    staff.goto("/demo-clock/")
    staff.fill("input[name=date]", day)
    staff.click("form[data-confirm] button")
    staff.click("#confirm-dialog [data-confirm-ok]")
    staff.wait_for_selector(f"[data-demo-today]:has-text('{day}')")
    assert f"演示日期 {day}" in staff.inner_text("header")


def test_a_case_goes_from_the_portal_to_the_bank_return_through_pages(
    page: Any,
    browser: Any,
    live_server: Any,
    demo_mode: Path,
    caseworker_nanmen: Any,
    approver_haishu: Any,
    city_admin: Any,
    sysadmin: Any,
    household_li_three_members: Any,
) -> None:
    staff = page
    _sign_in_afresh(staff, "caseworker_nanmen")

    # The resident applies on the portal, with the account the money goes to.
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    resident = context.new_page()
    resident.goto("/portal/")
    resident.fill("input[name=id_number]", LI_ID)
    resident.click("button[type=submit]")
    resident.wait_for_selector("input[name=code]")
    resident.fill("input[name=code]", code_from_outbox(browser, live_server))
    resident.click("button[type=submit]")
    resident.click("text=申请社会救助")
    resident.fill("input[name=declared_income]", "600")
    resident.check("input[name=programmes][value=dibao]")
    resident.select_option("select[name=bank_name]", "宁波银行")
    resident.fill("input[name=account_number]", "6222021234567894")
    resident.check("input[name=pledge]")
    resident.check("input[name=authorisation]")
    resident.click("#apply-form button[type=submit]")
    resident.wait_for_selector("#status-result >> text=办理中")
    context.close()

    # The township: accept, visit, check, review → 公示.
    _open_case(staff)
    staff.click("#do-accept")
    staff.wait_for_selector("#do-visit")
    staff.fill("textarea[name=notes]", "三口之家，老两口无业")
    staff.click("#do-visit")
    staff.wait_for_selector("#do-verify")
    staff.fill("input[name=note]", "部门数据比对无异常")
    staff.click("#do-verify")
    staff.wait_for_selector("#do-review")
    staff.click("#do-review")
    staff.wait_for_selector("#current-step >> text=公示")

    # The city administrator moves the demo clock past the seven days of 公示.
    _sign_in_afresh(staff, "city_admin")
    notice_over = timezone.localdate() + timedelta(days=8)
    _set_demo_date(staff, notice_over.isoformat())
    _sign_in_afresh(staff, "caseworker_nanmen")
    _open_case(staff)
    staff.click("#do-close-public-notice")
    staff.wait_for_selector("#current-step >> text=县级审批")
    _sign_in_afresh(staff, "approver_haishu")
    _open_case(staff)
    staff.click("#do-decide")
    staff.click("#confirm-dialog [data-confirm-ok]")
    staff.wait_for_selector("#current-step >> text=已批准")

    # Benefits start next month: the clock moves there and the city makes 海曙区's roll.
    month = YearMonth.of(notice_over) + 1
    _sign_in_afresh(staff, "city_admin")
    _set_demo_date(staff, month.first_day().isoformat())
    staff.goto("/payments/rolls/")
    assert staff.input_value("input[name=month]") == str(month)
    staff.select_option("select[name=county]", "330203000000")
    staff.click("form[data-roll-generate] button")
    staff.wait_for_selector("#job-progress")  # the roll is made by the worker
    assert run_queued_jobs() == 1
    staff.wait_for_selector("[data-roll-status]")
    assert "1 笔" in staff.inner_text("[data-roll-total]")
    assert "新增 1 人" in staff.inner_text("[data-month-change]")
    assert "李建国" in staff.inner_text("[data-roll-lines]")
    assert staff.locator("[data-missing-accounts]").count() == 0  # the portal took the account
    roll_url = staff.url

    # The county approves (through the confirmation dialog) and makes the bank file.
    _sign_in_afresh(staff, "approver_haishu")
    staff.goto(roll_url)
    staff.click("[data-approve]")
    staff.click("#confirm-dialog [data-confirm-ok]")
    staff.wait_for_selector("[data-roll-status]:has-text('已审批')")
    staff.click("[data-export]")
    staff.wait_for_selector("text=文件 1 笔")
    with staff.expect_download() as download_info:
        staff.click("a[data-download]")
    content = Path(download_info.value.path()).read_text(encoding="utf-8")
    rows = content.splitlines()
    assert len(rows) == 2 and rows[1].split(",")[1:3] == ["6222021234567894", "李建国"]
    reference = rows[1].split(",")[0]

    # The bank's return file is imported on the same page.
    staff.set_input_files(
        "input[name=file]",
        files=[
            {"name": "回盘.csv", "mimeType": "text/csv", "buffer": f"{reference},0000\n".encode()}
        ],
    )
    staff.click("form[enctype] button")
    staff.wait_for_selector("text=已记录 1 条，错误 0 行")
    assert staff.inner_text("[data-paid]") == staff.inner_text("[data-issued]") != "0.00"
    assert "账平" in staff.inner_text("body")
