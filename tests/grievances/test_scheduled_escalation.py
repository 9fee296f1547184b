"""The overdue check runs on its own: a monthly schedule (the 1st, 06:00) starts the
`grievance_escalation` job, which escalates every open item past its deadline — and, at the
boundary, not the one due that very day, nor anything before the schedule's hour."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import time_machine

from minzheng.grievances import actions
from minzheng.grievances.models import Grievance
from minzheng.jobs.runner import execute
from minzheng.jobs.schedules import ensure_defaults, tick

from .conftest import SHANGHAI

pytestmark = pytest.mark.django_db


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def test_the_monthly_schedule_escalates_what_is_overdue_and_only_that(li_jianguo: Any) -> None:
    with time_machine.travel(at(date(2026, 11, 2), 10), tick=False) as clock:
        ensure_defaults()
        fields = {"kind": "complaint", "channel": "hotline", "category": "payment"}
        late = actions.do_receive(
            None, **fields, content="低保金未到账", region=li_jianguo.region, complainant=li_jianguo
        )
        due_today = actions.do_receive(
            None, **fields, content="救助券未收到", region=li_jianguo.region, complainant=li_jianguo
        )
        Grievance.objects.filter(pk=late.pk).update(due_on=date(2026, 11, 30))
        Grievance.objects.filter(pk=due_today.pk).update(due_on=date(2026, 12, 1))

        clock.move_to(at(date(2026, 12, 1), 5, 59))
        # The other schedules catch up on November; the escalation's hour has not come.
        assert "grievance_escalation" not in [j.kind for j in tick()]
        clock.move_to(at(date(2026, 12, 1), 6, 0))
        jobs = [j for j in tick() if j.kind == "grievance_escalation"]
        assert len(jobs) == 1 and jobs[0].schedule is not None
        done = execute(jobs[0].pk)
        assert done is not None and done.status == "succeeded", done and done.error
        assert done.result["escalated"] == 1
        assert done.result["summary"] == "超期投诉举报升级督办 1 件"
        late.refresh_from_db()
        due_today.refresh_from_db()
        assert (late.escalation_level, late.escalated_on) == (1, date(2026, 12, 1))
        assert (due_today.escalation_level, due_today.escalated_on) == (0, None)
        # Run again the same month: the schedule does not start it twice.
        assert [j for j in tick() if j.kind == "grievance_escalation"] == []
