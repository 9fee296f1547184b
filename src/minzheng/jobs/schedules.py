"""定时计划: the monthly (and daily) jobs on a stored schedule, caught up once when runs were missed.

A schedule is due for a month once that month's day and hour have passed; a daily schedule is due
for a day once its hour has passed; an interval schedule once in every slot of `every_minutes`. `tick` starts the job for
the newest due month it has not run; months missed while the platform was down are not replayed
one by one (a roll or a monitoring run for an old month is not what anybody wants), the job runs
once for the latest month and `last_period` records it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from minzheng.core.clock import now as clock_now
from minzheng.core.yearmonth import YearMonth
from minzheng.jobs.models import Job, Schedule


@dataclass(frozen=True)
class Default:
    code: str
    kind: str
    day: int
    hour: int
    #: Which month the job is for, relative to the month it runs in (0 this month, -1 last).
    month_offset: int
    label: str
    cadence: str = "monthly"  # Schedule.Cadence; a daily job runs every day at `hour`
    every_minutes: int | None = None  # an interval job runs once in each slot of this length


DEFAULTS: tuple[Default, ...] = (
    Default("monthly_roll", "roll_all", 20, 2, 0, "每月20日生成各区县当月花名册"),
    Default("monthly_monitor", "monitor", 5, 1, -1, "每月5日对上月部门数据运行动态监测"),
    Default("review_scheduling", "reviews", 1, 3, 0, "每月1日为在保对象排复核任务"),
    Default("statistics_snapshot", "snapshot", 16, 4, -1, "每月16日冻结上月统计快照"),
    Default("overdue_reminders", "reminders", 1, 7, 0, "每月1日统计超期未办件"),
    Default(
        "grievance_escalation",
        "grievance_escalation",
        0,
        6,
        0,
        "每日6时将超期投诉举报升级督办",
        cadence="daily",
    ),
    Default("retention_archive", "retention", 1, 5, 0, "每月1日归档超过保留期限的数据"),
    Default("partition_ensure", "partitions", 20, 1, 0, "每月20日预建今后两个月的大表分区"),
    Default(
        "statistics_refresh",
        "statistics_refresh",
        0,
        0,
        0,
        "每10分钟重新计算数据有变动的统计月份",
        cadence="interval",
        every_minutes=10,
    ),
)
DEFAULT_BY_CODE = {d.code: d for d in DEFAULTS}


def ensure_defaults(moment: datetime | None = None) -> int:
    """Create the default schedules that are missing. A new schedule starts from the month now due:
    a fresh installation does not run last month's roll or monitoring on its first tick."""
    moment = moment or clock_now()
    created = 0
    for d in DEFAULTS:
        schedule = Schedule(
            code=d.code,
            kind=d.kind,
            cadence=d.cadence,
            day_of_month=d.day,
            hour=d.hour,
            every_minutes=d.every_minutes,
        )
        if Schedule.objects.filter(code=d.code).exists():
            continue
        period = due_period(schedule, moment)
        if isinstance(period, datetime):
            schedule.last_period = _slot_text(period)
        else:
            schedule.last_period = str(period) if period else ""
        schedule.save()
        created += 1
    return created


def _slot_text(slot: datetime) -> str:
    return slot.strftime("%Y-%m-%dT%H:%M")


def due_period(schedule: Schedule, moment: datetime) -> YearMonth | date | datetime | None:
    """The newest month (a daily schedule: day; an interval schedule: the start of its slot)
    whose run time has passed and that has not run yet, or None."""
    moment = timezone.localtime(moment)
    if schedule.cadence == Schedule.Cadence.INTERVAL:
        step = 60 * max(1, schedule.every_minutes or 1)
        slot = timezone.localtime(datetime.fromtimestamp(moment.timestamp() // step * step, UTC))
        if schedule.last_period and _slot_text(slot) <= schedule.last_period:
            return None
        return slot
    if schedule.cadence == Schedule.Cadence.DAILY:
        day = moment.date() if moment.hour >= schedule.hour else moment.date() - timedelta(1)
        if schedule.last_period and day.isoformat() <= schedule.last_period:
            return None
        return day
    month = YearMonth(moment.year, moment.month)
    if (moment.day, moment.hour) < (schedule.day_of_month, schedule.hour):
        month = month - 1
    if schedule.last_period and str(month) <= schedule.last_period:
        return None
    return month


def tick(moment: datetime | None = None) -> list[Job]:
    """Start every due, unpaused schedule once. Safe to call from several workers."""
    from minzheng.jobs.actions import start_system_job

    moment = moment or clock_now()
    started: list[Job] = []
    for schedule_id in Schedule.objects.filter(paused=False).values_list("pk", flat=True):
        with transaction.atomic():
            schedule = Schedule.objects.select_for_update().get(pk=schedule_id)
            if schedule.paused:
                continue
            period = due_period(schedule, moment)
            if period is None:
                continue
            if isinstance(period, datetime):
                params = {"at": _slot_text(period)}
                schedule.last_period = _slot_text(period)
            elif isinstance(period, YearMonth):
                default = DEFAULT_BY_CODE.get(schedule.code)
                offset = default.month_offset if default else 0
                params = {"month": str(period + offset)}
                schedule.last_period = str(period)
            else:
                params = {"day": period.isoformat()}
                schedule.last_period = period.isoformat()
            job = start_system_job(schedule.kind, params, schedule=schedule)
            schedule.last_run_at = moment
            schedule.save(update_fields=["last_period", "last_run_at"])
            started.append(job)
    return started
