"""The demo's month that happened: last month's 海曙 roll, approved by another person, with its file."""

from __future__ import annotations

from typing import Any

from minzheng.core import clock
from minzheng.core.yearmonth import YearMonth
from minzheng.payments.demo import seed_demo
from minzheng.payments.models import BankFile, Roll


def test_the_demo_roll_is_made_approved_and_exported_once(
    li_paid_since_january: Any, approver_haishu: Any
) -> None:
    seed_demo()
    seed_demo()
    month = (YearMonth.of(clock.today()) - 1).first_day()
    roll = Roll.objects.get(county_id="330203000000", month=month)
    assert roll.status == Roll.Status.EXPORTED
    assert roll.made_by is None and roll.approved_by == approver_haishu
    assert roll.lines.filter(kind="benefit").count() >= 1
    assert BankFile.objects.get(roll=roll).line_count == 1
