"""`minzheng parameters load` and `minzheng evaluate` (one file, one household, or everyone)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from typing import Any

from minzheng.core.inputs import check_writable, iso_date, read_text_file
from minzheng.core.regioncode import BadRegionCode


def cmd_parameters_load(args: argparse.Namespace) -> int:
    from minzheng.assistance.actions import do_load_parameter_catalog

    created = do_load_parameter_catalog(None)
    print(json.dumps({"loaded": created}, ensure_ascii=False))
    return 0


def _print(payload: Any) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=2))


def cmd_evaluate(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from minzheng.assistance.eligibility import explain_household, explain_json
    from minzheng.core.errors import DomainError
    from minzheng.registry.models import Household

    as_of = args.as_of or timezone.localdate()
    try:
        if args.changes:
            check_writable(args.changes)
        if args.all:
            return _evaluate_all(args, as_of)
        if args.household is not None:
            household = Household.objects.filter(pk=args.household).first()
            if household is None:
                print(
                    json.dumps({"code": "not_found", "message": "家庭户不存在"}, ensure_ascii=False)
                )
                return 2
            _print(explain_household(household, as_of))
            return 0
        if not args.file:
            print("请给出家庭情况 JSON 文件、--household ID 或 --all", file=sys.stderr)
            return 2
        text = (
            sys.stdin.read()
            if args.file == "-"
            else read_text_file(args.file, encoding=args.encoding, label="家庭情况文件")
        )
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            err = {
                "code": "invalid_json",
                "message": f"JSON 格式错误：第{exc.lineno}行第{exc.colno}列",
            }
            print(json.dumps(err, ensure_ascii=False))
            print(f"错误：{err['message']}", file=sys.stderr)
            return 2
        _print(explain_json(raw))
        return 0
    except DomainError as exc:
        print(json.dumps(exc.as_dict(), ensure_ascii=False))
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2


def _evaluate_all(args: argparse.Namespace, as_of: date) -> int:
    from tqdm import tqdm

    from minzheng.assistance import columnar
    from minzheng.assistance.queries import parameter_sets

    code = args.region or ""
    try:
        bounds = columnar.region_bounds(code) if code else ("0" * 12, "9" * 12)
    except BadRegionCode as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    session = None
    if args.engine == "spark":
        try:
            from minzheng.core.batchsql import local_session

            session = local_session(args.master or "local[2]")
        except ImportError:
            print(
                "错误：本机未安装 pyspark，无法使用 --engine spark（安装开发依赖或在集群上运行）",
                file=sys.stderr,
            )
            return 2
        from minzheng.assistance import distributed

        if distributed.reachable_from_workers(distributed.database_settings()):
            # Each part read from the database by the Spark task that decides it.
            spread = distributed.evaluate_where_gathered(
                bounds, as_of, engine="spark", spark_session=session
            )
            changes = spread.changes
            summary = {
                "as_of": as_of.isoformat(),
                "region": code or "全部",
                "households": len(spread.household_ids),
                "skipped": spread.skipped,
                **columnar.totals(spread.result),
                "changes_vs_enrolment": len(changes),
                "gather_seconds": 0.0,  # inside each task, counted in evaluate_seconds
                "evaluate_seconds": round(time.perf_counter() - started, 3),
                "engine": args.engine,
                "gathered_on": "executors",
            }
            return _print_summary(args, summary, changes)
    with tqdm(total=6, desc="读取数据", unit="表", disable=args.quiet, file=sys.stderr) as bar:

        def step(label: str) -> None:
            bar.set_postfix_str(label)
            bar.update(1)

        gathered = columnar.gather(bounds, as_of, progress=step)
    gathered_at = time.perf_counter()
    result = columnar.evaluate_gathered(
        gathered,
        parameter_sets(gathered.households.regions, as_of),
        engine=args.engine,
        spark_session=session,
    )
    changes = columnar.enrolment_changes(gathered, result)
    done = time.perf_counter()
    summary = {
        "as_of": as_of.isoformat(),
        "region": code or "全部",
        "households": len(gathered.household_ids),
        "skipped": gathered.skipped,
        **columnar.totals(result),
        "changes_vs_enrolment": len(changes),
        "gather_seconds": round(gathered_at - started, 3),
        "evaluate_seconds": round(done - gathered_at, 3),
        "engine": args.engine,
        "gathered_on": "driver",
    }
    return _print_summary(args, summary, changes)


def _print_summary(args: argparse.Namespace, summary: dict[str, Any], changes: list[Any]) -> int:
    print(json.dumps(summary, ensure_ascii=False))
    if args.changes:
        with open(args.changes, "w", encoding="utf-8") as out:
            for change in changes:
                out.write(json.dumps(change.to_dict(), ensure_ascii=False) + "\n")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("parameters", help="政策参数")
    ps = p.add_subparsers(dest="parameters_command", required=True)
    q = ps.add_parser("load", help="把参数目录载入数据库（可重复执行，只增加新取值）")
    q.set_defaults(func=cmd_parameters_load, needs_django=True)

    p = sub.add_parser("evaluate", help="救助资格测算：JSON 文件、已登记家庭户，或全部家庭批量重算")
    p.add_argument("file", nargs="?", help="家庭情况 JSON 文件（格式见 docs/api.md），- 为标准输入")
    p.add_argument("--household", type=int, help="已登记家庭户编号")
    p.add_argument("--all", action="store_true", help="批量重算范围内全部家庭户")
    p.add_argument("--region", help="批量重算的区划代码（如 330203，默认全市）")
    p.add_argument("--as-of", type=iso_date, help="认定日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--encoding", help="输入文件编码（默认自动识别 UTF-8 / GB18030）")
    p.add_argument("--changes", help="把与现有低保待遇不一致的家庭写入此文件（JSON lines）")
    p.add_argument("--quiet", action="store_true", help="不显示进度条")
    p.add_argument(
        "--engine",
        choices=["duckdb", "spark"],
        default="duckdb",
        help="批量重算的计算引擎（默认 duckdb，即本机；spark 按家庭分片在 Spark 上计算）",
    )
    p.add_argument(
        "--master", default="", help="Spark 主节点地址（spark://…、yarn；默认本机 local[2]）"
    )
    p.set_defaults(func=cmd_evaluate, needs_django=True)
