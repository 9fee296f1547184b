"""发放统计 opens on the last month an approved roll paid in the viewer's scope (issue #14: it
opened on March 2020 whatever the platform's date, so the demo's page was empty); a month asked
for is still shown as asked, and with nothing paid yet it opens on the clock's month."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import Client

from minzheng.assistance.actions import do_enrol
from minzheng.core import clock
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions.accounts import _new_account
from minzheng.payments.demo import seed_demo


def _reports(user: Any, query: str = "") -> str:
    client = Client()
    client.force_login(user)
    return client.get(f"/payments/reports/{query}").content.decode()


def test_the_page_opens_on_last_months_approved_roll(
    household_li_three_members: Any, approver_haishu: Any, approver_yinzhou: Any
) -> None:
    head = household_li_three_members.head
    do_enrol(
        None,
        household=household_li_three_members,
        programme="dibao",
        start=YearMonth(2026, 1),
        amount=Decimal("600.00"),
    )
    _new_account(
        person=head, holder_name=head.name, bank_name="宁波银行", number="6222021234567894"
    )
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
