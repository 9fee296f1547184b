"""The demo's month that happened: last month's 海曙 roll, approved by another person, with its file."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from minzheng.assistance.actions import do_enrol
from minzheng.core import clock
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.actions.accounts import _new_account
from minzheng.payments.demo import seed_demo
from minzheng.payments.models import BankFile, Roll


def test_the_demo_roll_is_made_approved_and_exported_once(
    household_li_three_members: Any, approver_haishu: Any
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
    seed_demo()
    seed_demo()
    month = (YearMonth.of(clock.today()) - 1).first_day()
    roll = Roll.objects.get(county_id="330203000000", month=month)
    assert roll.status == Roll.Status.EXPORTED
    assert roll.made_by is None and roll.approved_by == approver_haishu
    assert roll.lines.filter(kind="benefit").count() >= 1
    assert BankFile.objects.get(roll=roll).line_count == 1
