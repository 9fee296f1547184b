from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.medical.conftest import (  # noqa: F401 — the medical fixtures, used by name
    LI_JIANGUO,
    WANG_XIUYING,
    body,
    hospital,
    hospital_token,
    parameters,
    patients,
    post,
)

from ..conftest import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_approver_reads_a_settlement_and_reconciles_the_hospitals_file(
    page: Any,
    approver_haishu: Any,
    patients: Any,  # noqa: F811
    hospital: Client,  # noqa: F811
    tmp_path: Any,
) -> None:
    post(hospital, body("ZY-1", WANG_XIUYING))
    post(hospital, body("ZY-2", LI_JIANGUO))
    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.click("#sidebar >> text=医疗救助结算")
    page.locator("#settlements tr", has_text="ZY-1").locator("a").first.click()
    explanation = page.inner_text("#explanation")
    assert "基本医疗保险" in explanation and "3500.00 × 比例 = 2450.00 元" in explanation

    page.click("#sidebar >> text=医院对账")
    csv_file = tmp_path / "hospital.csv"
    csv_file.write_text("claim_id,assistance_amount\nZY-1,2450.00\nZY-2,2000.00\n", "utf-8")
    today = timezone.localdate().isoformat()
    page.fill("input[name=date_from]", today)
    page.fill("input[name=date_to]", today)
    page.set_input_files("input[name=file]", str(csv_file))
    page.click("form.search button")
    page.wait_for_selector("#reconciliation-summary")
    assert "一致 1 笔，异常 1 条" in page.inner_text("#reconciliation-summary")
    assert "救助金额不一致" in page.inner_text("#exceptions")

    # The reconciliation is kept: the 医院对账 page lists it and opens its exception list again.
    page.click("text=返回对账")
    row = page.locator("#reconciliations tr", has_text="hospital.csv")
    assert "宁波市第一医院" in row.inner_text()
    row.locator("text=查看异常清单").click()
    page.wait_for_selector("#exceptions")
    assert "ZY-2" in page.inner_text("#exceptions") and "ZY-1" not in page.inner_text("#exceptions")
    page.click("text=查看全部行")
    page.wait_for_selector("#exceptions >> text=ZY-1")
