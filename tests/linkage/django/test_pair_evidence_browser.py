"""In the browser: a reviewer runs 多重身份识别, opens the pair, reads evidence that adds up and
decides it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tests.browser.conftest import log_in, run_queued_jobs
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_reads_the_evidence_and_decides(
    page: Any, approver_haishu: Any, household_li_three_members: Any
) -> None:
    from minzheng.linkage.models import CandidatePair, SourceRecord

    record = SourceRecord(
        department="人社",
        record_id="RS-1",
        name="李建国",
        birth_date=date(1950, 1, 1),
        address="海曙区南门街道福湖社区解放南路12号",
        region_id="330203001001",
    )
    record.set_id_number("")
    record.set_phone("13805741234")
    record.save()

    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.goto("/linkage/candidates/")
    page.click("text=运行多重身份识别")
    page.wait_for_selector("#job-progress")  # the run went to the worker; its task page polls
    assert run_queued_jobs() == 1
    page.wait_for_url("**/linkage/candidates/")
    page.click("tr:has-text('李建国') >> text=证据")
    page.wait_for_selector("#evidence")

    weights = [Decimal(cell) for cell in page.locator("#evidence tbody td.num").all_inner_texts()]
    assert len(weights) == 7  # the prior and six comparisons
    total = Decimal(page.inner_text("#evidence-total"))
    assert total == sum(weights)
    assert "姓名相同" in page.inner_text("#evidence")
    assert "出生日期相同" in page.inner_text("#evidence")

    page.click("button[value=non_match]")
    page.wait_for_selector("text=已记录判定结论")
    pair = CandidatePair.objects.get(right_key=f"S{record.pk}")
    assert pair.status == CandidatePair.Status.NON_MATCH
