"""What the worker can run. Each kind names its label, who may start it, how to check its
parameters, and the function that does the work — the same `do_*` action the CLI and pages call.

Every kind is idempotent: run twice (a retry, or a worker killed and restarted), it adds nothing
the first run already made. The functions import their apps lazily, so `jobs` stays a leaf.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from minzheng.accounts.roles import Capability
from minzheng.core.errors import DomainError, ValidationFailed
from minzheng.core.regioncode import full_code
from minzheng.core.yearmonth import YearMonth

if TYPE_CHECKING:
    from minzheng.accounts.models import User
    from minzheng.jobs.models import Job

#: progress(done, total, message) — raises JobCancelled once cancellation is asked for.
Progress = Callable[[int, int, str], None]
Runner = Callable[["Job", "User | None", Progress], dict[str, Any]]


@dataclass(frozen=True)
class JobKind:
    code: str
    label: str
    capability: Capability
    run: Runner
    #: The region the job belongs to, from its checked parameters (city for city-wide jobs).
    region: Callable[[dict[str, Any]], str]
    #: Where a finished job's result is seen (its roll, the review queue), if anywhere but here.
    result_link: Callable[[dict[str, Any]], tuple[str, str] | None] = lambda result: None
    #: Whether it takes the pacing parameters (分块大小 chunk_size, 分块间暂停秒数 pause).
    paced: bool = False
    #: What the action itself asks of its actor beyond `capability`, if more: checked when the
    #: job is started, so that the page refuses it, not the worker later.
    also_requires: Callable[[User], bool] | None = None

    def startable_by(self, user: User) -> bool:
        """Whether `user` may start (or retry) a job of this kind."""
        return user.can(self.capability) and (
            self.also_requires is None or self.also_requires(user)
        )


CITY = "330200000000"


def _month(params: dict[str, Any]) -> YearMonth:
    try:
        return YearMonth.parse(str(params.get("month", "")))
    except ValueError as exc:
        raise ValidationFailed("月份格式应为YYYY-MM") from exc


def _county(params: dict[str, Any]) -> str:
    code = str(params.get("county", "")).strip()
    if len(code) == 6:
        code = full_code(code)
    if len(code) != 12 or not code.isdigit() or not code.endswith("000000"):
        raise ValidationFailed("请选择区县")
    return code


def _chunking(params: dict[str, Any]) -> dict[str, Any]:
    """A roll's optional pacing, as the CLI's --chunk-size and --pause: objects per transaction
    and seconds to rest between chunks (to run a big roll gently beside daytime traffic)."""
    options: dict[str, Any] = {}
    try:
        if "chunk_size" in params:
            options["chunk_size"] = int(params["chunk_size"])
            if not 1 <= options["chunk_size"] <= 1_000_000:
                raise ValueError
        if "pause" in params:
            options["pause_seconds"] = float(params["pause"])
            if not 0 <= options["pause_seconds"] <= 60:
                raise ValueError
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("分块大小应为 1–1000000 的整数，暂停秒数应为 0–60") from exc
    return options


PACING = ("chunk_size", "pause")


def check_params(kind: JobKind, params: dict[str, Any]) -> None:
    """Refuse a bad month or pacing — or pacing for a kind that has none — before anything is
    queued."""
    if "month" in params:
        _month(params)
    if not kind.paced and any(name in params for name in PACING):
        raise ValidationFailed(f"{kind.label}不使用分块大小和暂停秒数")
    _chunking(params)


def _run_roll(job: Job, actor: User | None, progress: Progress) -> dict[str, Any]:
    from minzheng.payments.actions import do_run_roll

    month = _month(job.params)

    def step(done: int, total: int) -> None:
        progress(done, total, f"已生成 {done} / {total} 条")

    result = do_run_roll(actor, _county(job.params), month, progress=step, **_chunking(job.params))
    return {
        "roll": result.roll.pk,
        "inserted": result.inserted,
        "summary": f"花名册 v{result.roll.version}：新增 {result.inserted} 条",
    }


def _run_rolls_all(job: Job, actor: User | None, progress: Progress) -> dict[str, Any]:
    """The scheduled preparation: this month's roll for every county, maker = the system."""
    from minzheng.payments.actions import do_run_roll
    from minzheng.regions.models import Level, Region

    month = _month(job.params)
    counties = list(Region.objects.filter(level=Level.COUNTY).order_by("code"))
    inserted = 0
    for n, county in enumerate(counties):
        progress(n, len(counties), f"{county.name}")
        inserted += do_run_roll(None, county.code, month).inserted
    progress(len(counties), len(counties), "")
    return {
        "counties": len(counties),
        "inserted": inserted,
        "summary": f"{len(counties)} 个区县花名册，新增 {inserted} 条",
    }


def _run_monitor(job: Job, actor: User | None, progress: Progress) -> dict[str, Any]:
    from minzheng.monitoring.actions import do_run_monitor

    stages = iter(range(1, 1000))

    def step(message: str) -> None:
        progress(next(stages), 0, message)

    result = do_run_monitor(actor, _month(job.params), progress=step, rows=progress)
    return {
        "month": str(_month(job.params)),
        "found": result.found,
        "created": result.created,
        "summary": f"发现 {result.found} 条，新增预警 {result.created} 条",
    }


def _run_linkage(job: Job, actor: User | None, progress: Progress) -> dict[str, Any]:
    from minzheng.linkage.actions import do_run_linkage

    progress(0, 1, "正在识别")
    run = do_run_linkage(actor)
    progress(1, 1, "")
    return {
        "run": run.pk,
        "records": run.records,
        "pairs": run.pairs_queued,
        "summary": (
            f"{run.records} 条记录，新增疑似同一人 {run.pairs_queued} 对，"
            f"关联部门记录 {run.records_linked} 条"
        ),
    }


def _run_household_import(job: Job, actor: User | None, progress: Progress) -> dict[str, Any]:
    from minzheng.registry.imports import import_households

    if actor is None or job.upload is None:
        raise DomainError("导入任务缺少文件或发起人")
    progress(0, 1, "正在导入")
    result = import_households(actor, io.BytesIO(bytes(job.upload)))
    progress(1, 1, "")
    summary = result.summary()
    summary["errors"] = [
        {"row": e.row, "column": e.column, "reason": e.reason} for e in result.errors[:200]
    ]
    if result.errors:
        from minzheng.registry.import_views import save_error_report

        summary["report_token"] = save_error_report(actor, result.error_report())
    summary["summary"] = (
        f"共 {result.rows} 行，导入 {result.rows_imported} 行，退回 {summary['rows_rejected']} 行"
    )
    return summary


def _run_reviews(job: Job, actor: User | None, progress: Progress) -> dict[str, Any]:
    from minzheng.applications.jobs import schedule_reviews

    created = schedule_reviews()
    return {"created": created, "summary": f"新排复核任务 {created} 个"}


def _run_snapshot(job: Job, actor: User | None, progress: Progress) -> dict[str, Any]:
    from minzheng.dashboard.actions import do_close_month
    from minzheng.dashboard.models import ClosedMonth

    month = _month(job.params)
    if ClosedMonth.objects.filter(month=month.first_day()).exists():
        return {"rows": 0, "summary": f"{month} 已结账，未重算"}
    rows = do_close_month(None, month)
    return {"rows": rows, "summary": f"{month} 统计快照 {rows} 行"}


def _run_statistics_refresh(job: Job, actor: User | None, progress: Progress) -> dict[str, Any]:
    from minzheng.core.clock import today
    from minzheng.dashboard.freshness import do_refresh_stale

    result = do_refresh_stale(today())
    return {"months": result.months, "counted": result.counted, "summary": result.summary}


def _run_reminders(job: Job, actor: User | None, progress: Progress) -> dict[str, Any]:
    from minzheng.applications.jobs import overdue_counts
    from minzheng.core.clock import today

    counts = overdue_counts(today())
    total = sum(counts.values())
    return {"overdue": counts, "summary": f"超期未办 {total} 件"}


def _roll_link(result: dict[str, Any]) -> tuple[str, str] | None:
    from django.urls import reverse

    if not result.get("roll"):
        return None
    return reverse("payments:roll_detail", args=[result["roll"]]), "查看花名册"


def _linkage_reviewer(user: User) -> bool:
    from minzheng.linkage.actions import is_reviewer

    return is_reviewer(user)


def _linkage_link(result: dict[str, Any]) -> tuple[str, str] | None:
    from django.urls import reverse

    return reverse("linkage:queue"), "查看疑似同一人"


def _monitor_link(result: dict[str, Any]) -> tuple[str, str] | None:
    from django.urls import reverse

    month = result.get("month", "")
    return f"{reverse('monitoring:warning_list')}?month={month}&status=open", "查看预警"


def _verification_link(result: dict[str, Any]) -> tuple[str, str] | None:
    from django.urls import reverse

    if not result.get("first_check") or not result.get("job"):
        return None
    address = f"{reverse('verification:batch_results')}?job={result['job']}"
    return address, f"查看核对结果（{result.get('checked', 0)} 户）"


def _import_link(result: dict[str, Any]) -> tuple[str, str] | None:
    from django.urls import reverse

    if not result.get("report_token"):
        return None
    return reverse("registry_import:import_report", args=[result["report_token"]]), "下载错误报告"


def _run_grievance_escalation(job: Job, actor: User | None, progress: Progress) -> dict[str, Any]:
    from minzheng.core.clock import today
    from minzheng.grievances.actions import do_escalate_overdue

    # The scheduler runs it with no actor: every open item in the city past its deadline.
    escalated = do_escalate_overdue(actor, today())
    return {"escalated": escalated, "summary": f"超期投诉举报升级督办 {escalated} 件"}


def _run_verification_batch(job: Job, actor: User | None, progress: Progress) -> dict[str, Any]:
    from minzheng.core.clock import today
    from minzheng.verification.actions import do_check_enrolled

    county = _county(job.params)
    day = today()
    stored = do_check_enrolled(actor, county, day, progress=progress)
    failed = sum(not c.passed for c in stored)
    return {
        "job": job.pk,
        "county": county,
        "as_of": day.isoformat(),
        "checked": len(stored),
        "failed": failed,
        "first_check": min((c.pk for c in stored), default=None),
        "last_check": max((c.pk for c in stored), default=None),
        "summary": f"核对在保家庭 {len(stored)} 户，不符合 {failed} 户",
    }


def _run_retention(job: Job, actor: User | None, progress: Progress) -> dict[str, Any]:
    from minzheng.core.clock import today
    from minzheng.operations.retention import do_archive

    run = do_archive(actor, today(), progress=progress)
    counts = run.counts
    return {
        "run": run.pk,
        **counts,
        "summary": (
            f"归档办结案件 {counts['cases']} 件、部门数据批次 {counts['feed_batches']} 批、"
            f"审计事件 {counts['audit_events']} 条"
        ),
    }


#: How many months after the job's month `partitions` creates (the schedule runs on the 20th).
PARTITION_MONTHS_AHEAD = 2


def _run_partitions(job: Job, actor: User | None, progress: Progress) -> dict[str, Any]:
    """The growing tables' month partitions from the job's month to two months after it
    (core/partitions.ensure_all: rows the DEFAULT partition caught move in). A no-op on SQLite,
    where nothing is partitioned; creates nothing on a second run."""
    from django.db import connection, transaction

    from minzheng.core import partitions as parts

    month = _month(job.params)
    if connection.vendor != "postgresql":
        return {"created": {}, "summary": "当前数据库（SQLite）不分区，无需预建"}
    progress(0, 1, "预建分区")
    with transaction.atomic(), connection.cursor() as cursor:
        created = parts.ensure_all(cursor, month.first_day(), PARTITION_MONTHS_AHEAD)
    progress(1, 1, "")
    made = sorted(name for names in created.values() for name in names)
    last = month + PARTITION_MONTHS_AHEAD
    return {
        "created": created,
        "summary": (
            f"预建至 {last} 的分区：新建 {len(made)} 个" if made else f"至 {last} 的分区都已存在"
        ),
    }


def _county_region(params: dict[str, Any]) -> str:
    return _county(params)


def _city(params: dict[str, Any]) -> str:
    return CITY


KINDS: dict[str, JobKind] = {
    k.code: k
    for k in (
        JobKind(
            "roll",
            "生成发放花名册",
            Capability.CASE_DATA,
            _run_roll,
            _county_region,
            _roll_link,
            paced=True,
        ),
        JobKind("roll_all", "全市花名册准备", Capability.MANAGE_USERS, _run_rolls_all, _city),
        JobKind("monitor", "动态监测", Capability.APPROVE, _run_monitor, _city, _monitor_link),
        JobKind(
            "verification_batch",
            "在保家庭批量核对",
            Capability.APPROVE,
            _run_verification_batch,
            _county_region,
            _verification_link,
        ),
        JobKind(
            "linkage",
            "多重身份识别",
            Capability.CASE_DATA,
            _run_linkage,
            _city,
            _linkage_link,
            also_requires=_linkage_reviewer,
        ),
        JobKind(
            "household_import",
            "家庭户导入",
            Capability.EDIT_CASES,
            _run_household_import,
            _city,
            _import_link,
        ),
        JobKind("reviews", "复核排期", Capability.MANAGE_USERS, _run_reviews, _city),
        JobKind("snapshot", "统计快照", Capability.MANAGE_USERS, _run_snapshot, _city),
        JobKind("reminders", "超期提醒", Capability.MANAGE_USERS, _run_reminders, _city),
        JobKind(
            "statistics_refresh",
            "统计重算",
            Capability.MANAGE_USERS,
            _run_statistics_refresh,
            _city,
        ),
        JobKind(
            "grievance_escalation",
            "投诉举报超期督办",
            Capability.MANAGE_USERS,
            _run_grievance_escalation,
            _city,
        ),
        JobKind("retention", "数据归档", Capability.MANAGE_USERS, _run_retention, _city),
        JobKind("partitions", "预建大表分区", Capability.MANAGE_USERS, _run_partitions, _city),
    )
}

LABELS = {code: kind.label for code, kind in KINDS.items()}


def kind_of(code: str) -> JobKind:
    try:
        return KINDS[code]
    except KeyError as exc:
        raise DomainError("没有这种后台任务") from exc
