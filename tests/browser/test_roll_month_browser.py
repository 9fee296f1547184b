"""发放花名册 › 生成（或续算）花名册 in Chromium: a bad month, a month too far ahead and a county
outside the user's scope each show a Chinese error on the page, and nothing is queued.

What happened before: Chromium's month control cannot hold 2027-13 — it sanitises the value to
"" — and the form's own `required` check then stopped the submit with no message on the page.
The form is `novalidate` now, so the server's message is what the user sees."""

from __future__ import annotations

from typing import Any

import pytest

from ..conftest import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bad_months_and_a_county_outside_scope_show_a_message_and_queue_nothing(
    page: Any, approver_haishu: Any
) -> None:
    from minzheng.core.clock import today
    from minzheng.core.yearmonth import YearMonth
    from minzheng.jobs.models import Job

    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.goto("/payments/rolls/")
    month = "form[data-roll-generate] input[name=month]"
    # The control's own behaviour: 2027-13 is not a value it can hold.
    assert page.eval_on_selector(month, "el => { el.value = '2027-13'; return el.value; }") == ""
    page.click("form[data-roll-generate] button")
    page.wait_for_selector(".alert-error")
    assert "发放月份格式应为 YYYY-MM" in page.inner_text(".alert-error")

    ahead = YearMonth.of(today()) + 2
    page.fill(month, str(ahead))
    page.click("form[data-roll-generate] button")
    page.wait_for_selector(f".alert-error:has-text('发放月份不能晚于 {ahead - 1}')")

    # A county outside 海曙区's scope, as a tampered form would send it.
    page.eval_on_selector(
        "form[data-roll-generate] select[name=county]",
        "el => { el.add(new Option('鄞州区', '330212000000')); el.value = '330212000000'; }",
    )
    page.fill(month, str(ahead - 1))
    page.click("form[data-roll-generate] button")
    page.wait_for_selector(".alert-error:has-text('只能由县级或市级人员生成全县花名册')")
    assert not Job.objects.exists()
