"""In Chromium: an organisation is registered, files its annual report, is rated, is put on the
abnormal-activity list and repaired — every step through the pages, as 海曙区民政局 would."""

from __future__ import annotations

from typing import Any

import pytest

from minzheng.core.creditcode import build
from minzheng.organisations.models import CreditListing, Organisation
from tests.browser.conftest import log_in

from ..conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CODE = build("5", "1", "330203", "MJ000777")


def test_registration_annual_report_rating_and_abnormal_list_repair(
    page: Any,
    catalog: None,
    approver_haishu: Any,
) -> None:
    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")

    # 1. Establishment: accept, review, approve with a checked credit code.
    page.click("#sidebar >> text=登记申请")
    page.click("text=新增（成立登记）")
    form = page.locator("#establish")
    form.locator("select[name=kind]").select_option("social_group")
    form.locator("input[name=name]").fill("宁波市海曙区月湖读书会")
    form.locator("input[name=supervising_unit]").fill("海曙区文化和广电旅游体育局")
    form.locator("input[name=legal_rep_name]").fill("林静")
    form.locator("input[name=registered_capital]").fill("30000")
    form.locator("textarea[name=scope]").fill("读书交流、阅读推广")
    form.locator("input[name=accepted_on]").fill("2024-02-26")
    form.locator("button").click()
    page.wait_for_selector("text=已受理成立登记申请")
    assert page.inner_text("#app-status") == "已受理"
    page.locator("#review input[name=on]").fill("2024-02-28")
    page.click("#review >> text=初审通过")
    page.wait_for_selector("text=初审意见已保存")
    decide = page.locator("#decide")
    decide.locator("input[name=credit_code]").fill("51330203MJ0007771X")  # a typo first
    decide.locator("input[name=on]").fill("2024-03-01")
    decide.locator("button[value='1']").click()
    page.click("#confirm-dialog [data-confirm-ok]")  # the confirmation dialog, its reason optional
    page.wait_for_selector(".alert-error")
    assert "统一社会信用代码" in page.inner_text(".alert-error")
    assert page.inner_text("#app-status") == "初审通过"
    decide = page.locator("#decide")
    decide.locator("input[name=credit_code]").fill(CODE)
    decide.locator("input[name=on]").fill("2024-03-01")
    decide.locator("button[value='1']").click()
    page.click("#confirm-dialog [data-confirm-ok]")  # the confirmation dialog, its reason optional
    page.wait_for_selector("text=已核准")
    page.click("text=宁波市海曙区月湖读书会")
    assert CODE in page.inner_text("#attributes")
    assert "2029-02-28" in page.inner_text("#attributes")  # certificate: 5 years (illustrative)

    # 2. Annual report for 2025: filed online, approved by the supervising unit, reviewed.
    page.click("#file-annual summary")
    annual = page.locator("#file-annual form")
    annual.locator("input[name=report_year]").fill("2025")
    annual.locator("input[name=on]").fill("2026-03-16")
    annual.locator("input[name=income]").fill("56000")
    annual.locator("input[name=expenditure]").fill("48000.50")
    annual.locator("input[name=net_assets]").fill("38000")
    annual.locator("textarea[name=activities]").fill("举办读书分享会24场")
    annual.locator("button").click()
    page.wait_for_selector("text=年度报告已报送")
    page.click("#annual-reports >> text=业务主管单位初审同意")
    page.wait_for_selector("text=业务主管单位初审同意")
    page.locator("#annual-reports select[name=outcome]").select_option("qualified")
    page.click("#annual-reports >> text=审结")
    page.wait_for_selector("text=年检结论已保存")
    assert "合格" in page.inner_text("#annual-reports")

    # 3. Rating: eligible after a qualified inspection; 3A valid five years.
    assert "今年参评条件：符合" in page.inner_text("#rating-eligibility")
    rating = page.locator("#award-rating")
    rating.locator("select[name=grade]").select_option("3")
    rating.locator("input[name=score]").fill("780")
    rating.locator("input[name=on]").fill("2026-09-01")
    rating.locator("button").click()
    page.wait_for_selector("text=评估等级已评定")
    assert page.inner_text("#current-rating") == "3A（有效期至2031-08-31）"

    # 4. Abnormal-activity list: unreachable at the address; entered; then repaired.
    page.click("#add-listing summary")
    listing = page.locator("#add-listing form")
    listing.locator("select[name=reason]").select_option("unreachable")
    listing.locator("button").click()
    page.wait_for_selector("text=已列入活动异常名录")
    assert "在列" in page.inner_text("#credit-listings")
    assert "✘ 未列入活动异常名录或严重违法失信名单" in page.inner_text("#rating-eligibility")
    page.goto("/organisations/public/credit/")
    assert "宁波市海曙区月湖读书会" in page.inner_text("main")
    page.go_back()
    remove = page.locator("#credit-listings form[id^=remove-]")
    remove.locator("input[name=reason]").fill("已核实新住所并完成变更登记")
    remove.locator("button").click()
    page.wait_for_selector("text=已移出名录（信用修复）")
    assert "已移出（信用修复）" in page.inner_text("#credit-listings")

    org = Organisation.objects.get(credit_code=CODE)
    assert list(
        CreditListing.objects.filter(organisation=org).values_list("status", flat=True)
    ) == ["removed"]
