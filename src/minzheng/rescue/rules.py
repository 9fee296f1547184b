"""The stay's time limit and its overdue flag — pure functions over dates and parameter values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class StayLimit:
    due_on: date
    days: int
    reason: str


def stay_limit(admitted_on: date, days: int) -> StayLimit:
    """民政部令第24号《…救助管理办法实施细则》: the stay is limited, in principle to 10 days (a
    parameter); the last day of care is `days` days after the day of intake."""
    due = admitted_on + timedelta(days=days)
    return StayLimit(due, days, f"救助期限{days}天，至{due.isoformat()}")


@dataclass(frozen=True, slots=True)
class Overdue:
    overdue: bool
    days_over: int
    reason: str


def overdue(due_on: date, today: date, in_care: bool) -> Overdue:
    """A person still in care after the last day of the limit is overdue (to be extended with a
    filing to the higher bureau, returned or placed). On the last day itself they are not."""
    if not in_care:
        return Overdue(False, 0, "已离站")
    if today <= due_on:
        return Overdue(False, 0, f"期限内（至{due_on.isoformat()}）")
    days = (today - due_on).days
    return Overdue(True, days, f"超过救助期限{days}天（期限至{due_on.isoformat()}）")


def stay_days(admitted_on: date, ended_on: date) -> int:
    """Days of a stay: the day of intake counts, the day of leaving does not (at least 1)."""
    return max(1, (ended_on - admitted_on).days)
