"""Deadlines and escalation of grievances — pure functions over dates and parameter values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from minzheng.applications.rules import add_working_days


@dataclass(frozen=True, slots=True)
class Deadline:
    due_on: date
    working_days: int
    official_calendar: bool  # False: a day outside the official holiday calendar was counted


def deadline(received_on: date, working_days: int) -> Deadline:
    """The last day to answer: `working_days` working days after the day of receipt."""
    due = add_working_days(received_on, working_days)
    return Deadline(due.on, working_days, due.official)


@dataclass(frozen=True, slots=True)
class Escalation:
    escalate: bool
    level: int
    reason: str


def escalation(due_on: date, today: date, level: int, max_level: int) -> Escalation:
    """An open item past its deadline goes one level up (county, then city), never past the top."""
    if today <= due_on:
        return Escalation(False, level, "未超期")
    if level >= max_level:
        return Escalation(False, level, "已在最高督办级别")
    return Escalation(
        True, level + 1, f"超过办理期限（{due_on.isoformat()}），升级为第{level + 1}级督办"
    )
