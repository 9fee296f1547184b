"""In the browser: a resident complains on the portal, the deadline passes (the demo clock moves),
the overdue check escalates it, the township answers in writing and the resident reads the reply
on the portal and rates it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from minzheng.grievances.models import Grievance
from tests.grievances.conftest import parameters  # noqa: F401 — by name

from ..conftest import PASSWORD
from .conftest import code_from_outbox, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_mode(settings: Any, tmp_path: Path) -> Path:
    settings.DEMO_MODE = True
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_a_complaint_escalates_when_overdue_and_is_answered_on_the_portal(
    page: Any,
    browser: Any,
    live_server: Any,
    demo_mode: Path,
    parameters: None,  # noqa: F811
    household_li_three_members: Any,
    caseworker_nanmen: Any,
    city_admin: Any,
    sysadmin: Any,
) -> None:
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    resident = context.new_page()
    resident.goto("/portal/")
    resident.fill("input[name=id_number]", "330203195001011238")
    resident.click("button[type=submit]")
    resident.wait_for_selector("input[name=code]")
    resident.fill("input[name=code]", code_from_outbox(browser, live_server))
    resident.click("button[type=submit]")
    resident.click("text=投诉与求助")
    resident.select_option("select[name=kind]", "complaint")
    resident.select_option("select[name=category]", "payment")
    resident.fill("textarea[name=content]", "十月份低保金至今未到账，请尽快核查。")
    resident.click("#grievance-new button")
    resident.wait_for_selector("#portal-status >> text=办理中")
    due = Grievance.objects.get().due_on

    staff = page
    log_in(staff, "city_admin", PASSWORD)
    staff.wait_for_selector("text=工作台")
    later = (due + timedelta(days=1)).isoformat()
    staff.goto("/demo-clock/")
    staff.fill("input[name=date]", later)
    staff.click("form[data-confirm] button")
    staff.click("#confirm-dialog [data-confirm-ok]")
    staff.wait_for_selector(f"[data-demo-today]:has-text('{later}')")

    log_in(staff, "caseworker_nanmen", PASSWORD)
    staff.wait_for_selector("text=工作台")
    staff.click("#sidebar a:text-is('投诉举报')")
    assert "已超期" in staff.inner_text("#grievances")
    staff.click("#escalate button")
    staff.wait_for_selector("text=1 件升级督办")
    staff.locator("#grievances tr", has_text="投诉").locator("a").first.click()
    assert "第1级" in staff.inner_text("#grievance-escalation")
    staff.fill(
        "#reply textarea[name=reply]",
        "经核查，十月低保金因账户冻结被退回，已改发至新账户，请查收。",
    )
    staff.click("#reply button")
    staff.wait_for_selector("#grievance-status >> text=已答复待评价")

    resident.reload()
    assert "已改发至新账户" in resident.inner_text("#portal-reply")
    resident.select_option("select[name=satisfaction]", "satisfied")
    resident.click("#rate button")
    resident.wait_for_selector("#portal-rating >> text=满意")
    context.close()
