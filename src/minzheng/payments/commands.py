"""`minzheng payments roll COUNTY MONTH`: compute a county's monthly roll (resumable, idempotent).

Prints one JSON line when done. Killed half-way, it can simply be run again.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("payments", help="资金发放：花名册、银行文件")
    commands = parser.add_subparsers(dest="payments_command", required=True, metavar="COMMAND")
    roll = commands.add_parser("roll", help="生成（或续算）某县某月的发放花名册，可重复执行")
    roll.add_argument("county", help="县级区划代码，6 位或 12 位，如 330203")
    roll.add_argument("month", help="发放月份 YYYY-MM")
    roll.add_argument("--as", dest="username", help="制单人用户名（不填为系统任务）")
    roll.add_argument("--chunk-size", type=int, default=100_000, help="每个事务处理的对象编号数")
    roll.add_argument(
        "--pause", type=float, default=0.0, help="每个分块提交后暂停的秒数（减轻数据库压力）"
    )
    roll.add_argument("--quiet", action="store_true", help="不显示进度条")
    roll.set_defaults(func=cmd_roll, needs_django=True)


def cmd_roll(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from minzheng.accounts.models import User
    from minzheng.core.errors import DomainError
    from minzheng.core.yearmonth import YearMonth
    from minzheng.payments.actions import do_run_roll

    actor = User.objects.get(username=args.username) if args.username else None
    bar = None if args.quiet else tqdm(unit="块", desc="发放花名册", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        print(f"chunk {done}/{total}", file=sys.stderr, flush=True)
        if bar is not None:
            bar.total = total
            bar.update(1)

    try:
        result = do_run_roll(
            actor,
            args.county,
            YearMonth.parse(args.month),
            chunk_size=args.chunk_size,
            pause_seconds=args.pause,
            progress=progress,
        )
    except (DomainError, ValueError) as exc:
        print(f"错误：{getattr(exc, 'message', exc)}", file=sys.stderr)
        return 2
    finally:
        if bar is not None:
            bar.close()
    print(
        json.dumps(
            {
                "roll": result.roll.pk,
                "version": result.roll.version,
                "inserted": result.inserted,
                "chunks": result.chunks,
                "months": result.months,
                "price_subsidies": result.price_subsidies,
                "seconds": round(result.seconds, 3),
            },
            ensure_ascii=False,
        )
    )
    return 0
