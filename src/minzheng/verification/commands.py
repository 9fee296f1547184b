"""`minzheng verification request|check` and `minzheng feeds load --source SOURCE FILE`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    verification = subparsers.add_parser("verification", help="家庭经济状况核对")
    commands = verification.add_subparsers(dest="verification_command", required=True)
    request = commands.add_parser("request", help="生成发往各部门的核对请求 request.csv")
    request.add_argument("--month", required=True, help="核对月份 YYYY-MM")
    request.add_argument("--output", required=True, help="输出目录")
    request.add_argument("--as", dest="username", help="操作人用户名（不填为系统任务）")
    request.set_defaults(func=cmd_request, needs_django=True)
    check = commands.add_parser("check", help="批量核对某区划内全部在保家庭")
    check.add_argument("--region", required=True, help="区划代码，如 330203")
    check.add_argument("--as-of", dest="as_of", help="核对日期 YYYY-MM-DD（默认今天）")
    check.set_defaults(func=cmd_check, needs_django=True)

    feeds = subparsers.add_parser("feeds", help="部门数据")
    feed_commands = feeds.add_subparsers(dest="feeds_command", required=True)
    load = feed_commands.add_parser("load", help="导入一个部门数据文件（CSV 或 Parquet）")
    load.add_argument("--source", required=True, help="数据来源，如 police、hrss、medical")
    load.add_argument("file", help="文件路径")
    load.add_argument("--as", dest="username", help="操作人用户名（不填为系统任务）")
    load.set_defaults(func=cmd_load, needs_django=True)
    city = feed_commands.add_parser(
        "emit-city",
        help="为全市人口生成某月的十一类合成部门数据（Parquet，分块流式写出，含预设情形）",
    )
    city.add_argument("--month", required=True, help="数据月份 YYYY-MM")
    city.add_argument("--output", required=True, help="输出目录")
    city.add_argument("--seed", type=int, default=0, help="随机种子（同一种子同样的数据）")
    city.add_argument(
        "--plant-every", type=int, default=50, help="每隔几户在保低保家庭预设一种情形"
    )
    city.add_argument(
        "--medical-share", type=float, default=0.2, help="每月有医保结算的居民比例（0–1）"
    )
    city.add_argument("--chunk-persons", type=int, default=500_000, help="每块人数（内存上限）")
    city.add_argument("--quiet", action="store_true", help="不显示进度条")
    city.set_defaults(func=cmd_emit_city, needs_django=True)


def _fail(message: str) -> int:
    print(f"错误：{message}", file=sys.stderr)
    return 2


def _actor(username: str | None) -> object:
    from minzheng.accounts.models import User

    if not username:
        return None
    return User.objects.filter(username=username).first() or False


def cmd_request(args: argparse.Namespace) -> int:
    from minzheng.core.errors import DomainError
    from minzheng.core.yearmonth import YearMonth
    from minzheng.verification.actions import do_write_request

    try:
        month = YearMonth.parse(args.month)
    except ValueError:
        return _fail(f"月份格式应为YYYY-MM：{args.month}")
    actor = _actor(args.username)
    if actor is False:
        return _fail(f"用户不存在：{args.username}")
    try:
        path = do_write_request(actor, month, Path(args.output))  # type: ignore[arg-type]
    except DomainError as exc:
        return _fail(exc.message)
    except OSError as exc:
        return _fail(f"无法写入 {args.output}：{exc.strerror}")
    print(json.dumps({"month": str(month), "file": str(path)}, ensure_ascii=False))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from datetime import date

    from django.utils import timezone

    from minzheng.core.errors import DomainError
    from minzheng.verification.actions import do_check_enrolled

    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else timezone.localdate()
    except ValueError:
        return _fail(f"日期格式应为YYYY-MM-DD：{args.as_of}")
    try:
        stored = do_check_enrolled(None, args.region, as_of)
    except DomainError as exc:
        return _fail(exc.message)
    failed = sum(not c.passed for c in stored)
    print(json.dumps({"households": len(stored), "not_passed": failed}, ensure_ascii=False))
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    from minzheng.core.errors import DomainError
    from minzheng.verification.actions import do_load_feed
    from minzheng.verification.bulkload import do_load_feed_file, is_parquet

    path = Path(args.file)
    try:
        parquet = is_parquet(path)
        data = b"" if parquet else path.read_bytes()
    except OSError as exc:
        return _fail(f"无法读取文件 {args.file}：{exc.strerror}")
    actor = _actor(args.username)
    if actor is False:
        return _fail(f"用户不存在：{args.username}")
    started = time.perf_counter()
    try:
        if parquet:  # streamed in record batches, stored set-based (any size)
            batch = do_load_feed_file(actor, args.source, path)  # type: ignore[arg-type]
        else:
            batch = do_load_feed(actor, args.source, data, filename=path.name)  # type: ignore[arg-type]
    except DomainError as exc:
        return _fail(exc.message)
    for error in batch.errors:
        print(json.dumps(error, ensure_ascii=False), file=sys.stderr)
    print(
        json.dumps(
            {
                "batch": batch.pk,
                "source": batch.source,
                "rows": batch.rows_total,
                "accepted": batch.rows_accepted,
                "already_received": batch.rows_known,
                "rejected": batch.rows_rejected,
                "checksum": batch.checksum,
                "seconds": round(time.perf_counter() - started, 2),
                "rows_per_second": round(
                    batch.rows_total / max(time.perf_counter() - started, 1e-9)
                ),
            },
            ensure_ascii=False,
        )
    )
    return 0


def cmd_emit_city(args: argparse.Namespace) -> int:
    from minzheng.core.yearmonth import YearMonth
    from minzheng.verification.citywide import emit_registry_feeds

    try:
        month = YearMonth.parse(args.month)
    except ValueError:
        return _fail(f"月份格式应为YYYY-MM：{args.month}")
    if not 0 <= args.medical_share <= 1:
        return _fail(f"医保结算比例应在0到1之间：{args.medical_share}")
    if args.plant_every < 1 or args.chunk_persons < 1:
        return _fail("--plant-every 与 --chunk-persons 应为正整数")
    output = Path(args.output)
    if output.exists() and not output.is_dir():
        return _fail(f"输出位置不是目录：{output}")
    from tqdm import tqdm

    from minzheng.registry.models import Person

    bar = tqdm(
        total=Person.objects.filter(date_of_death__isnull=True).count(),
        unit="人",
        disable=args.quiet,
        file=sys.stderr,
    )

    def step(persons: int) -> None:
        bar.update(persons)

    feeds = emit_registry_feeds(
        output,
        month,
        seed=args.seed,
        plant_every=args.plant_every,
        medical_share=args.medical_share,
        chunk_persons=args.chunk_persons,
        progress=step,
    )
    bar.close()
    feeds.write_truths(output / "truths.jsonl")
    print(json.dumps(feeds.summary() | {"directory": str(output)}, ensure_ascii=False))
    return 0
