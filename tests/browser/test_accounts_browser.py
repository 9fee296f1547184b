"""Accounts in Chromium: a one-time password forces a change, the sysadmin proposes and the security
administrator approves a role (三员分立), and everyone changes their own password."""

from __future__ import annotations

from typing import Any

import pytest

from ..conftest import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Harbour#Lights2027"


def _change_password(page: Any, old: str, new: str) -> None:
    page.fill("input[name=old_password]", old)
    page.fill("input[name=new_password]", new)
    page.fill("input[name=confirm_password]", new)
    page.click("form.panel button[type=submit]")


def test_a_one_time_password_must_be_changed_before_anything_else(
    page: Any, regions: None, household_li_three_members: Any
) -> None:
    from minzheng.accounts.actions import do_create_user

    do_create_user(
        None,
        username="new_caseworker",
        password=PASSWORD,
        role="township_caseworker",
        region_code="330203001000",
        one_time=True,
    )
    log_in(page, "new_caseworker", PASSWORD)
    page.wait_for_selector("text=该密码只能使用一次")
    assert page.url.endswith("/account/password/")
    page.goto("/registry/persons/")
    assert page.url.endswith("/account/password/")  # nothing else opens
    _change_password(page, PASSWORD, PASSWORD)
    page.wait_for_selector("text=新密码不能与原密码相同")
    _change_password(page, PASSWORD, NEW_PASSWORD)
    page.wait_for_selector("text=密码已修改")
    page.click("#sidebar >> text=人员查询")
    page.wait_for_selector("text=李建国")


def test_the_sysadmin_proposes_a_village_account_and_the_security_admin_approves(
    page: Any, sysadmin: Any, security_admin: Any
) -> None:
    from minzheng.accounts.models import User

    log_in(page, "sysadmin", PASSWORD)
    page.click("#sidebar >> text=用户管理")
    page.click("summary:has-text('新增账号')")
    page.fill("input[name=username]", "assistant_new")
    page.fill("input[name=display_name]", "福湖社区协理员乙")
    page.fill("input[name=password]", PASSWORD)
    page.select_option("select[name=role]", "village_assistant")
    page.select_option("select[name=r1]", "330203000000")
    page.wait_for_selector("#r2 option[value='330203001000']", state="attached")
    page.select_option("#r2", "330203001000")
    page.wait_for_selector("#r3 option[value='330203001001']", state="attached")
    page.select_option("#r3", "330203001001")
    page.click("details.panel button[type=submit]")
    page.wait_for_selector("text=待安全管理员审批后生效")
    row = page.inner_text("tr:has-text('assistant_new')")
    assert "未授权" in row and "授权待审批" in row and "福湖社区" in row
    assert User.objects.get(username="assistant_new").role == ""

    log_in(page, "security_admin", PASSWORD)
    page.click("#sidebar >> text=授权审批")
    pending = page.inner_text("tr:has-text('assistant_new')")
    assert "村社协理员" in pending and "福湖社区" in pending and "sysadmin" in pending
    page.click("tr:has-text('assistant_new') button[value=approve]")
    page.fill("#confirm-dialog [data-confirm-reason-input]", "岗位调整，经科室确认")
    page.click("#confirm-dialog [data-confirm-ok]")
    page.wait_for_selector("text=已批准")
    user = User.objects.get(username="assistant_new")
    assert (user.role, user.region_id) == ("village_assistant", "330203001001")


def test_everyone_changes_their_own_password(page: Any, caseworker_nanmen: Any) -> None:
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.click("#sidebar >> text=修改密码")
    assert "至少三类" in page.inner_text("main")
    _change_password(page, PASSWORD, NEW_PASSWORD)
    page.wait_for_selector("text=密码已修改")
    page.click("header >> text=退出")
    page.wait_for_selector("input[name=username]")
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=用户名或密码错误")
    log_in(page, "caseworker_nanmen", NEW_PASSWORD)
    page.wait_for_selector("text=工作台")
