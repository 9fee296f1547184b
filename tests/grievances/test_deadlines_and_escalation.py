"""Deadlines count working days from the official calendar; an overdue item goes up one level at a
time, with a new short deadline, never past the top level."""

from __future__ import annotations

from datetime import date

from minzheng.grievances.rules import deadline, escalation


def test_fifteen_working_days_skip_the_national_day_holiday() -> None:
    # 2025-10-01…08 off, Saturday 10-11 a working day: the 15th working day is 10-28.
    due = deadline(date(2025, 9, 30), 15)
    assert due.due_on == date(2025, 10, 28) and due.official_calendar


def test_an_item_due_today_is_not_overdue() -> None:
    assert escalation(date(2025, 10, 28), date(2025, 10, 28), 0, 2).escalate is False


def test_an_overdue_item_goes_up_one_level_until_the_top() -> None:
    first = escalation(date(2025, 10, 28), date(2025, 10, 29), 0, 2)
    assert (first.escalate, first.level) == (True, 1)
    assert first.reason == "超过办理期限（2025-10-28），升级为第1级督办"
    top = escalation(date(2025, 10, 28), date(2025, 11, 20), 2, 2)
    assert (top.escalate, top.level, top.reason) == (False, 2, "已在最高督办级别")
