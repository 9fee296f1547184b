"""In the browser: the township caseworker stocks quilts, draws a distribution list from the 低保
households of 南门街道, opens the hand-over page on her phone; 李建国 opens the QR code's page on his
own phone (no login) and confirms; the list shows the hand-over and the ledger the value."""

from __future__ import annotations

from typing import Any

import pytest

from tests.inkind.conftest import li_on_dibao, quilt  # noqa: F401 — the fixtures, by name

from ..conftest import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_distribution_is_handed_over_and_confirmed(
    page: Any,
    browser: Any,
    live_server: Any,
    quilt: Any,  # noqa: F811
    li_on_dibao: Any,  # noqa: F811
    caseworker_nanmen: Any,
) -> None:
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.click("#sidebar >> text=物资库存")
    page.select_option("#receipt select[name=item]", label="棉被（床）")
    page.fill("#receipt input[name=quantity]", "20")
    page.fill("#receipt input[name=note]", "市局调拨")
    page.click("#receipt button")
    page.wait_for_selector("#stock >> text=20床")

    page.click("#sidebar >> text=物资发放")
    page.fill("#distribution-new input[name=name]", "冬季送温暖")
    page.select_option("#distribution-new select[name=item]", label="棉被（床）")
    page.select_option("#distribution-new select[name=source]", label="最低生活保障")
    page.click("#distribution-new button")
    page.wait_for_selector("#handovers")
    page.set_viewport_size({"width": 390, "height": 800})
    page.locator("#handovers tr", has_text="李建国").locator("a").click()
    page.wait_for_selector("#qr img")
    confirm_url = page.get_attribute("#confirm-link", "href")
    assert confirm_url and "/inkind/confirm/" in confirm_url

    phone = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    phone.goto(confirm_url)
    assert "李建国" in phone.inner_text("main")
    phone.click("#confirm button")
    phone.wait_for_selector("#confirmed")
    phone.context.close()

    page.reload()
    assert page.inner_text("#handover-status").startswith("已签收（领取人扫码确认")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click("text=返回发放名单")
    assert page.inner_text("#confirmed-count") == "1"
    page.click("#sidebar >> text=物资发放")
    assert "实物救助（折价）" in page.inner_text("#ledger")
    page.click("#sidebar >> text=物资库存")
    assert "19床" in page.inner_text("#stock")
