"""Monthly jobs on a stored schedule: due once a month, caught up once after an outage, pausable."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from minzheng.core.errors import PermissionDenied, ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.jobs.actions import do_set_schedule_paused
from minzheng.jobs.models import Job, Schedule
from minzheng.jobs.schedules import ensure_defaults, tick
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def test_a_new_installation_runs_nothing_for_months_before_it(regions: None) -> None:
    assert ensure_defaults(at(2026, 12, 2)) == 9
    assert ensure_defaults(at(2026, 12, 2)) == 0
    assert tick(at(2026, 12, 2)) == []
    roll = Schedule.objects.get(code="monthly_roll")
    # The 20th has not come in December: November is the month already "done" at installation.
    assert roll.last_period == "2026-11"


def monthly(jobs: list[Job]) -> list[Job]:
    return [j for j in jobs if j.schedule is not None and j.schedule.cadence == "monthly"]


def test_each_schedule_runs_once_when_its_day_comes(regions: None) -> None:
    ensure_defaults(at(2026, 12, 2))
    # Installed on 2 December: the schedules of the 1st had their December run already.
    assert monthly(tick(at(2026, 12, 4))) == []
    assert [j.kind for j in monthly(tick(at(2026, 12, 5, 2)))] == ["monitor"]  # the 5th, 01:00
    # The snapshot (16th), the partitions (20th, 01:00) and the roll (20th, 02:00).
    started = monthly(tick(at(2026, 12, 20, 3)))
    assert sorted((j.kind, j.params["month"]) for j in started) == [
        ("partitions", "2026-12"),
        ("roll_all", "2026-12"),
        ("snapshot", "2026-11"),
    ]
    assert monthly(tick(at(2026, 12, 20, 4))) == [] and monthly(tick(at(2026, 12, 31))) == []
    assert Schedule.objects.get(code="monthly_roll").last_period == "2026-12"


def test_a_daily_schedule_runs_once_a_day_after_its_hour(regions: None) -> None:
    ensure_defaults(at(2026, 12, 2, 12))
    daily = Schedule.objects.get(code="grievance_escalation")
    assert (daily.cadence, daily.last_period) == ("daily", "2026-12-02")

    def escalations(moment: datetime) -> list[dict[str, str]]:
        return [j.params for j in tick(moment) if j.kind == "grievance_escalation"]

    assert escalations(at(2026, 12, 3, 5)) == []  # before 06:00
    assert escalations(at(2026, 12, 3, 6)) == [{"day": "2026-12-03"}]
    assert escalations(at(2026, 12, 3, 23)) == []
    # Down for a week: one run for the newest day, not one per missed day.
    assert escalations(at(2026, 12, 10, 7)) == [{"day": "2026-12-10"}]


def test_missed_months_are_caught_up_once_not_one_by_one(regions: None) -> None:
    ensure_defaults(at(2026, 8, 2))
    # The platform was down from August to December: each schedule runs once, for the latest month.
    started = {j.schedule.code: j.params for j in tick(at(2026, 12, 21)) if j.schedule}
    assert started == {
        "monthly_roll": {"month": "2026-12"},
        "monthly_monitor": {"month": "2026-11"},  # the monitor runs on last month's feeds
        "review_scheduling": {"month": "2026-12"},
        "statistics_snapshot": {"month": "2026-11"},
        "overdue_reminders": {"month": "2026-12"},
        "grievance_escalation": {"day": "2026-12-21"},  # daily, at 06:00
        "retention_archive": {"month": "2026-12"},  # the retention job reads the day, not the month
        "partition_ensure": {"month": "2026-12"},
        "statistics_refresh": {"at": "2026-12-21T12:00"},  # every 10 minutes
    }
    assert Job.objects.count() == 9
    assert monthly(tick(at(2026, 12, 22))) == []


def test_a_paused_schedule_does_not_run_and_pausing_is_audited(
    regions: None, sysadmin: Any, approver_haishu: Any
) -> None:
    ensure_defaults(at(2026, 12, 2))
    roll = Schedule.objects.get(code="monthly_roll")
    with pytest.raises(PermissionDenied, match="只有系统管理员可以暂停或恢复定时计划"):
        do_set_schedule_paused(approver_haishu, roll.pk, paused=True, reason="测试")
    with pytest.raises(ValidationFailed, match="请填写原因"):
        do_set_schedule_paused(sysadmin, roll.pk, paused=True, reason="")
    do_set_schedule_paused(sysadmin, roll.pk, paused=True, reason="年底系统升级")
    assert "roll_all" not in [j.kind for j in tick(at(2026, 12, 21))]
    event = AuditEvent.objects.get(object_type="schedule")
    assert "暂停定时计划 monthly_roll：年底系统升级" in event.summary
    do_set_schedule_paused(sysadmin, roll.pk, paused=False, reason="升级完成")
    assert [j.kind for j in tick(at(2026, 12, 21))] == ["roll_all"]


def test_the_schedule_page_lists_and_pauses(regions: None, sysadmin: Any) -> None:
    ensure_defaults(at(2026, 12, 2))
    client = Client()
    assert client.login(username=sysadmin.username, password=PASSWORD)
    page = client.get("/jobs/schedules/").content.decode()
    assert "每月20日生成各区县当月花名册" in page and "全市花名册准备" in page
    roll = Schedule.objects.get(code="monthly_roll")
    response = client.post(
        "/jobs/schedules/", {"schedule": roll.pk, "action": "pause", "reason": "演示"}
    )
    assert response.status_code == 302
    assert Schedule.objects.get(pk=roll.pk).paused
    bad = client.post("/jobs/schedules/", {"schedule": "x", "action": "pause", "reason": "演示"})
    assert bad.status_code == 200 and "参数不正确" in bad.content.decode()


def test_an_interval_schedule_runs_once_in_each_slot(regions: None) -> None:
    ensure_defaults(at(2026, 12, 2, 12))
    refresh = Schedule.objects.get(code="statistics_refresh")
    assert (refresh.cadence, refresh.every_minutes) == ("interval", 10)
    assert refresh.last_period == "2026-12-02T12:00"

    def runs(moment: datetime) -> list[dict[str, str]]:
        return [j.params for j in tick(moment) if j.kind == "statistics_refresh"]

    assert runs(at(2026, 12, 2, 12).replace(minute=9)) == []  # the installation's own slot
    assert runs(at(2026, 12, 2, 12).replace(minute=10)) == [{"at": "2026-12-02T12:10"}]
    assert runs(at(2026, 12, 2, 12).replace(minute=19, second=59)) == []
    # Down for an hour: one run for the newest slot, not one per missed slot.
    assert runs(at(2026, 12, 2, 13).replace(minute=25)) == [{"at": "2026-12-02T13:20"}]
