from __future__ import annotations

from typing import Any

import pytest

from ..conftest import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_logs_in_and_sees_their_menu(
    page: Any, caseworker_nanmen: Any, household_li_three_members: Any
) -> None:
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=工作台")
    menu = page.inner_text("#sidebar")
    assert "人员查询" in menu and "家庭户" in menu
    assert "审计日志" not in menu and "用户管理" not in menu
    assert "乡镇经办员" in page.inner_text("header")
    page.click("#sidebar >> text=人员查询")
    page.wait_for_selector("text=李建国")
    assert "330203********1238" in page.content()


def test_five_bad_passwords_pause_that_source_in_the_browser(
    page: Any, caseworker_nanmen: Any
) -> None:
    for _ in range(5):
        log_in(page, "caseworker_nanmen", "not-my-password")
        page.wait_for_selector("text=用户名或密码错误")
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=尝试过于频繁")
    assert page.url.endswith("/login/")
    assert "锁定" not in page.content()  # nothing tells a guesser the account exists


def test_another_regions_person_page_is_refused(
    page: Any, caseworker_xiaying: Any, household_li_three_members: Any
) -> None:
    log_in(page, "caseworker_xiaying", PASSWORD)
    page.wait_for_selector("text=工作台")
    response = page.goto(f"/registry/persons/{household_li_three_members.head.pk}/")
    assert response.status == 404
    assert "记录不存在或不在您的管辖范围内" in page.content()
    assert "李建国" not in page.content()


def test_the_auditor_sees_no_case_data_in_the_browser(
    page: Any, auditor: Any, household_li_three_members: Any
) -> None:
    log_in(page, "auditor", PASSWORD)
    page.wait_for_selector("text=审计日志")
    response = page.goto("/registry/persons/")
    assert response.status == 403 and "无权访问" in page.content()
