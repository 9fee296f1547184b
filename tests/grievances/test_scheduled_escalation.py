"""The overdue check runs on its own: a daily schedule (06:00) starts the
`grievance_escalation` job, which escalates every open item past its deadline — and, at the
boundary, not the one due that very day, nor anything before the schedule's hour."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import time_machine

from minzheng.grievances import actions
from minzheng.grievances.models import Grievance
from minzheng.jobs.models import Job
from minzheng.jobs.runner import execute
from minzheng.jobs.schedules import ensure_defaults, tick

from .conftest import SHANGHAI

pytestmark = pytest.mark.django_db


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def test_the_daily_schedule_escalates_what_is_overdue_and_only_that(li_jianguo: Any) -> None:
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

        def run() -> list[int]:
            jobs = [j for j in tick() if j.kind == "grievance_escalation"]
            results = []
            for job in jobs:
                assert job.schedule is not None
                done = execute(job.pk)
                assert done is not None and done.status == "succeeded", done and done.error
                results.append(done.result["escalated"])
            return results

        # The days missed since installation are caught up once (for the newest day), not each.
        clock.move_to(at(date(2026, 11, 30), 5, 59))
        assert run() == [0]  # for 29 November: nothing is past its deadline yet
        clock.move_to(at(date(2026, 11, 30), 6, 0))
        assert run() == [0]  # due today is not overdue
        clock.move_to(at(date(2026, 12, 1), 5, 59))
        assert run() == []  # the 6 o'clock run of 1 December has not come
        clock.move_to(at(date(2026, 12, 1), 6, 0))
        assert run() == [1]
        late.refresh_from_db()
        due_today.refresh_from_db()
        assert (late.escalation_level, late.escalated_on) == (1, date(2026, 12, 1))
        assert (due_today.escalation_level, due_today.escalated_on) == (0, None)
        # Again the same day: the schedule does not start it twice.
        assert run() == []
        summary = Job.objects.filter(kind="grievance_escalation").order_by("-pk").first()
        assert summary is not None and summary.result["summary"] == "超期投诉举报升级督办 1 件"
        assert summary.params == {"day": "2026-12-01"}
