"""`partition_ensure`: the growing tables' month partitions for the coming months are made by a
stored schedule (the 20th, 01:00, for the job's month and the two after it), pausable on 定时计划
like the others; on SQLite, where nothing is partitioned, the job does nothing and says so."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client

from minzheng.core import partitions as parts
from minzheng.jobs.actions import do_set_schedule_paused, run_system_job
from minzheng.jobs.models import Job, Schedule
from minzheng.jobs.runner import execute
from minzheng.jobs.schedules import ensure_defaults, tick
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
POSTGRES = connection.vendor == "postgresql"


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def month_partitions() -> set[str]:
    with connection.cursor() as cursor:
        return {
            p.name
            for spec in parts.SPECS
            if spec.by == "month"
            for p in parts.partitions(cursor, spec.table)
        }


def partition_jobs(moment: datetime) -> list[Job]:
    return [j for j in tick(moment) if j.kind == "partitions"]


def test_the_schedule_starts_the_job_on_the_20th_once_a_month(regions: None) -> None:
    ensure_defaults(at(2030, 2, 21))
    schedule = Schedule.objects.get(code="partition_ensure")
    assert (schedule.kind, schedule.day_of_month, schedule.hour) == ("partitions", 20, 1)
    assert schedule.last_period == "2030-02"
    assert partition_jobs(at(2030, 3, 20, 0)) == []  # before 01:00 on the 20th
    (job,) = partition_jobs(at(2030, 3, 20, 1))
    assert job.params == {"month": "2030-03"}
    assert partition_jobs(at(2030, 3, 31)) == []


def test_a_paused_partition_schedule_starts_nothing(regions: None, sysadmin: Any) -> None:
    ensure_defaults(at(2030, 2, 21))
    schedule = Schedule.objects.get(code="partition_ensure")
    do_set_schedule_paused(sysadmin, schedule.pk, paused=True, reason="升级数据库")
    assert partition_jobs(at(2030, 3, 21)) == []
    do_set_schedule_paused(sysadmin, schedule.pk, paused=False, reason="升级完成")
    assert [j.params for j in partition_jobs(at(2030, 3, 21))] == [{"month": "2030-03"}]


def test_the_schedule_page_shows_it(regions: None, sysadmin: Any) -> None:
    ensure_defaults(at(2030, 2, 21))
    client = Client()
    assert client.login(username=sysadmin.username, password=PASSWORD)
    page = client.get("/jobs/schedules/").content.decode()
    assert "每月20日预建今后两个月的大表分区" in page and "预建大表分区" in page


@pytest.mark.skipif(POSTGRES, reason="SQLite: the tables are not partitioned")
def test_on_sqlite_the_job_is_a_no_op(regions: None) -> None:
    job = run_system_job("partitions", {"month": "2030-03"})
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"created": {}, "summary": "当前数据库（SQLite）不分区，无需预建"}


@pytest.mark.skipif(not POSTGRES, reason="only PostgreSQL partitions the tables")
def test_on_postgresql_it_makes_the_coming_months_and_a_second_run_adds_nothing(
    regions: None,
) -> None:
    before = month_partitions()
    month_specs = [s for s in parts.SPECS if s.by == "month"]
    coming = {f"{s.table}_p{m}" for s in month_specs for m in ("203003", "203004", "203005")}
    assert not coming & before
    ensure_defaults(at(2030, 2, 21))
    (job,) = partition_jobs(at(2030, 3, 20, 1))
    done = execute(job.pk)
    assert done is not None and done.status == Job.Status.SUCCEEDED, done and done.error
    after = month_partitions()
    assert after - before == coming
    assert f"{month_specs[0].table}_p203006" not in after
    assert sorted(n for names in done.result["created"].values() for n in names) == sorted(coming)
    assert done.result["summary"] == f"预建至 2030-05 的分区：新建 {len(coming)} 个"

    again = run_system_job("partitions", {"month": "2030-03"})
    assert again.status == Job.Status.SUCCEEDED
    assert all(names == [] for names in again.result["created"].values())
    assert again.result["summary"] == "至 2030-05 的分区都已存在"
    assert month_partitions() == after
