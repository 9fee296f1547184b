"""发放统计 opens on the last month an approved roll paid in the viewer's scope (issue #14: it
opened on March 2020 whatever the platform's date, so the demo's page was empty); a month asked
for is still shown as asked, and with nothing paid yet it opens on the clock's month."""

from __future__ import annotations

from typing import Any

from django.test import Client

from minzheng.core import clock
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.demo import seed_demo


def _reports(user: Any, query: str = "") -> str:
    client = Client()
    client.force_login(user)
    return client.get(f"/payments/reports/{query}").content.decode()


def test_the_page_opens_on_last_months_approved_roll(
    li_paid_since_january: Any, approver_haishu: Any, approver_yinzhou: Any
) -> None:
    seed_demo()  # last month's 海曙 roll, approved and exported
    last_month = YearMonth.of(clock.today()) - 1

    page = _reports(approver_haishu)
    assert f"资金发放统计 <small>{last_month}</small>" in page
    assert "海曙区" in page and "600.00" in page
    assert "该月暂无发放" not in page
    assert "该月暂无发放" in _reports(approver_haishu, "?month=2020-03")  # as asked
    # 鄞州 has paid nothing: its approver's page opens on today's month, empty
    other = _reports(approver_yinzhou)
    assert f"资金发放统计 <small>{YearMonth.of(clock.today())}</small>" in other
    assert "该月暂无发放" in other
