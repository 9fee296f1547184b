"""A replayed history on real pages: the county approver sees the months that happened — rolls
approved and exported, the price indices that launched 物价补贴, the bank files and returns."""

from __future__ import annotations

from typing import Any

import pytest

from minzheng.core.yearmonth import YearMonth

from ..conftest import PASSWORD
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_approver_sees_the_replayed_months_on_the_payment_pages(
    page: Any, live_server: Any, approver_haishu: Any, city_admin: Any
) -> None:
    from minzheng.payments.models import Roll
    from minzheng.registry.seed import seed_registry
    from minzheng.registry.year import run_history

    seed_registry("test", 11, persons=6_000)
    report = run_history(YearMonth(2020, 2), YearMonth(2020, 3)).as_dict()
    assert report["replayed"] == 2
    haishu = Roll.objects.filter(county_id="330203000000", month__year=2020)
    assert haishu.count() == 2 and {r.approved_by for r in haishu} == {approver_haishu}

    log_in(page, "approver_haishu", PASSWORD)
    page.wait_for_selector("text=工作台")
    page.goto("/payments/rolls/")
    rows = page.inner_text("table tbody")
    assert "2020-03" in rows and "2020-02" in rows
    assert "已生成银行文件" in rows
    assert "approver_haishu" in rows or approver_haishu.display_name in rows

    page.goto("/payments/price-indices/?month=2020-03")
    indices = page.inner_text("main")
    assert "18.30" in indices and "21.90" in indices  # food CPI, March and February 2020

    roll = haishu.get(month__month=3)
    page.goto(f"/payments/rolls/{roll.pk}/")
    assert "物价补贴" in page.inner_text("main")
