"""`minzheng monitor --month YYYY-MM` (the monthly run) and `minzheng warnings --month … --format jsonl`."""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    monitor = subparsers.add_parser(
        "monitor", help="动态监测：按月比对部门数据，生成预警（可重复执行）"
    )
    monitor.add_argument("--month", required=True, help="监测月份 YYYY-MM")
    monitor.add_argument("--as", dest="username", help="操作人用户名（不填为系统任务）")
    monitor.add_argument("--quiet", action="store_true", help="不显示进度条")
    monitor.add_argument(
        "--engine", choices=["duckdb", "spark"], default="duckdb", help="计算引擎（默认 duckdb）"
    )
    monitor.add_argument(
        "--master", default="", help="Spark 主节点地址（spark://…、yarn；默认本机 local[2]）"
    )
    monitor.set_defaults(func=cmd_monitor, needs_django=True)

    warnings = subparsers.add_parser("warnings", help="列出某月的预警")
    warnings.add_argument("--month", required=True, help="预警月份 YYYY-MM")
    warnings.add_argument("--format", default="jsonl", choices=["jsonl"], help="输出格式")
    warnings.set_defaults(func=cmd_warnings, needs_django=True)


def _month(text: str) -> object:
    from minzheng.core.yearmonth import YearMonth

    try:
        return YearMonth.parse(text)
    except ValueError:
        return None


def cmd_monitor(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from minzheng.accounts.models import User
    from minzheng.core.errors import DomainError
    from minzheng.core.yearmonth import YearMonth
    from minzheng.monitoring.actions import do_run_monitor

    month = _month(args.month)
    if not isinstance(month, YearMonth):
        print(f"错误：月份格式应为YYYY-MM：{args.month}", file=sys.stderr)
        return 2
    actor = User.objects.filter(username=args.username).first() if args.username else None
    if args.username and actor is None:
        print(f"错误：用户不存在：{args.username}", file=sys.stderr)
        return 2
    bar = tqdm(total=5, desc=f"动态监测 {month}", unit="步", file=sys.stderr, disable=args.quiet)

    def progress(label: str) -> None:
        bar.set_postfix_str(label)
        bar.update(1)

    try:
        result = do_run_monitor(
            actor, month, progress=progress, engine=args.engine, spark_master=args.master
        )
    except DomainError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    except ImportError:
        print(
            "错误：本机未安装 pyspark，无法使用 --engine spark（安装开发依赖或在集群上运行）",
            file=sys.stderr,
        )
        return 2
    finally:
        bar.close()
    print(
        json.dumps(
            {
                "month": str(month),
                "found": result.found,
                "created": result.created,
                "by_kind": result.by_kind,
                "actions": result.actions,
                "seconds": round(result.seconds, 3),
            },
            ensure_ascii=False,
        )
    )
    return 0


def cmd_warnings(args: argparse.Namespace) -> int:
    from minzheng.core.yearmonth import YearMonth
    from minzheng.monitoring.actions import warning_line
    from minzheng.monitoring.models import Warning

    month = _month(args.month)
    if not isinstance(month, YearMonth):
        print(f"错误：月份格式应为YYYY-MM：{args.month}", file=sys.stderr)
        return 2
    for warning in Warning.objects.filter(month=month.first_day()).order_by("kind", "id"):
        print(json.dumps(warning_line(warning), ensure_ascii=False))
    return 0
