"""`minzheng worker` runs the background jobs; `minzheng schedules` lists and ticks the schedules."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    worker = subparsers.add_parser(
        "worker",
        help="运行后台任务工作进程（花名册、动态监测、身份识别、导入与定时计划）",
        description=(
            "从数据库取出排队的后台任务逐个运行，并按定时计划启动每月例行任务；"
            "被中断的任务在下次启动时重新排队并补完（任务本身幂等，不会产生重复记录）。"
        ),
    )
    worker.add_argument("--once", action="store_true", help="运行完当前排队的任务后退出")
    worker.add_argument("--interval", type=float, default=2.0, help="空闲时的轮询间隔（秒）")
    worker.add_argument(
        "--stale-after",
        type=float,
        default=120.0,
        help="运行中的任务超过此秒数没有进度报告，视为工作进程已中断，重新排队（默认 120）",
    )
    worker.add_argument(
        "--no-schedules",
        action="store_true",
        help="只运行队列中的任务，不启动定时计划（另有工作进程负责定时计划时使用）",
    )
    worker.set_defaults(func=run_worker, needs_django=True)

    schedules = subparsers.add_parser(
        "schedules", help="查看定时计划，或 schedules tick 立即检查到期计划"
    )
    schedules.add_argument("action", nargs="?", choices=["list", "tick"], default="list")
    schedules.set_defaults(func=run_schedules, needs_django=True)


def run_worker(args: argparse.Namespace) -> int:
    from minzheng.jobs.runner import work
    from minzheng.jobs.schedules import ensure_defaults

    if args.interval <= 0:
        print("错误：--interval 应大于 0", file=sys.stderr)
        return 2
    if args.stale_after <= 0:
        print("错误：--stale-after 应大于 0", file=sys.stderr)
        return 2
    ensure_defaults()
    ran = work(
        once=args.once,
        interval=args.interval,
        schedules=not args.no_schedules,
        stale_after=timedelta(seconds=args.stale_after),
    )
    print(json.dumps({"jobs_finished": ran}, ensure_ascii=False))
    return 0


def run_schedules(args: argparse.Namespace) -> int:
    from minzheng.jobs.models import Schedule
    from minzheng.jobs.schedules import ensure_defaults, tick

    ensure_defaults()
    if args.action == "tick":
        jobs = tick()
        print(json.dumps({"started": [j.pk for j in jobs]}, ensure_ascii=False))
        return 0
    for s in Schedule.objects.all():
        print(
            json.dumps(
                {
                    "code": s.code,
                    "kind": s.kind,
                    "day_of_month": s.day_of_month,
                    "hour": s.hour,
                    "paused": s.paused,
                    "last_period": s.last_period,
                },
                ensure_ascii=False,
            )
        )
    return 0
