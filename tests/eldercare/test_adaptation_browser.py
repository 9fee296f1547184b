"""In Chromium: an elderly person's home is adapted entirely in the browser — the caseworker takes
the application (person picker), records the visit and the items (the cap reached mid-list, a
self-paid item), the county approver approves in the reason dialog, the caseworker checks the
completion with a photo, and the approver pays the contractor into the ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from minzheng.eldercare.models import Adaptation
from minzheng.payments.models import PaymentLine
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.eldercare.test_adaptation import png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_home_is_adapted_in_the_browser(
    page: Any,
    tmp_path: Path,
    elders_fuhu: dict[str, Any],
    caseworker_nanmen: Any,
    approver_haishu: Any,
) -> None:
    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.click("text=适老化改造")
    # The list's region picker fills in after its own request and moves the button beside it:
    # let it settle first, or the click lands where the button was.
    page.wait_for_selector("[data-region-picker] .picker-level")
    page.click("#new-adaptation")
    page.wait_for_url("**/eldercare/adaptations/new/**")
    picker = page.locator("#adaptation-form .person-picker")
    picker.locator(".person-picker-query").fill("钱永福")
    picker.locator("button:has-text('钱永福')").click()
    page.select_option("select[name=applied_by]", "family")
    page.fill("input[name=applicant_name]", "钱小红")
    page.click("#submit-adaptation")
    page.wait_for_selector("#status >> text=已申请")

    page.fill("input[name=contractor]", "宁波安居适老化工程有限公司")
    page.fill("textarea[name=visit_notes]", "卫生间无扶手，地面湿滑")
    page.click("#save-visit")
    page.wait_for_selector("#status >> text=已入户评估")
    for code, quantity, price in (
        ("anti_slip_floor", "1", "6800"),
        ("wheelchair_ramp", "1", "3200"),
        ("bedside_rail", "2", "650"),
        ("grab_bar", "4", "280"),
        ("smart_alarm", "1", "1200"),
    ):
        page.select_option("#item-form select[name=code]", code)
        page.fill("#item-form input[name=quantity]", quantity)
        page.fill("#item-form input[name=unit_price]", price)
        page.click("#add-item")
        page.wait_for_selector(f"#items >> text={int(price):,}.00")
    # A price with three decimals is refused in Chinese and adds nothing.
    page.fill("#item-form input[name=unit_price]", "9.999")
    page.click("#add-item")
    page.wait_for_selector(".error")
    assert "最多两位小数" in page.inner_text(".error")
    totals = page.inner_text("#totals")
    assert "12,000.00" in totals and "13,620.00" in totals and "1,620.00" in totals
    assert "420.00" in page.inner_text("#items")  # the grab bars crossing the cap

    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    row = Adaptation.objects.get()
    page.goto(f"/eldercare/adaptations/{row.pk}/")
    page.click("#approve")
    page.fill("#confirm-dialog [data-confirm-reason-input]", "符合改造条件")
    page.click("#confirm-dialog [data-confirm-ok]")
    page.wait_for_selector("#status >> text=已审批")

    log_in(page, "caseworker_nanmen", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.goto(f"/eldercare/adaptations/{row.pk}/")
    photo = tmp_path / "完工.png"
    photo.write_bytes(png())
    page.set_input_files("#complete-form input[name=photos]", str(photo))
    page.fill("textarea[name=completion_notes]", "扶手牢固，防滑到位")
    page.click("#complete")
    page.wait_for_selector("#status >> text=已验收")
    assert page.locator("#photos img").count() == 1

    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.goto(f"/eldercare/adaptations/{row.pk}/")
    page.click("#pay")
    page.click("#confirm-dialog [data-confirm-ok]")
    page.wait_for_selector("#status >> text=已支付")
    assert "向宁波安居适老化工程有限公司支付补贴 12,000.00 元" in page.inner_text("#paid")
    line = PaymentLine.objects.get(kind="adapt_payable")
    assert (line.amount_fen, line.source_id) == (1_200_000, row.pk)
    page.click("text=居家养老统计")
    assert "12,000.00" in page.inner_text("#adaptation-figures")
