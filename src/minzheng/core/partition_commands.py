"""`minzheng partitions list|ensure|archive|attach`: the partitions of the growing tables.

- list: every partition with its range and row count (JSON lines);
- ensure: create the coming months' partitions (and move rows the DEFAULT partition caught);
- archive: detach one month, write its rows to a gzipped CSV and, with --drop, drop it;
- attach: put a detached month back.

PostgreSQL only: on SQLite the tables are not partitioned and the command says so (exit 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("partitions", help="大表分区：查看、预建、归档（PostgreSQL）")
    parser.set_defaults(needs_django=True)
    sub = parser.add_subparsers(dest="partitions_command", required=True, metavar="COMMAND")
    p = sub.add_parser("list", help="列出各分区表的分区、范围与行数（JSON lines）")
    p.add_argument("--table", help="只列此表")
    p.set_defaults(func=cmd_list, needs_django=True)
    p = sub.add_parser("ensure", help="预建今后几个月的分区，并把默认分区里已有月份的行移入")
    p.add_argument("--ahead", type=int, default=3, help="预建的月数（默认 3）")
    p.set_defaults(func=cmd_ensure, needs_django=True)
    p = sub.add_parser("archive", help="归档一个月：摘下该月分区、导出为 CSV.gz，可选删除")
    p.add_argument("--table", required=True, help="表名，如 payments_paymentline")
    p.add_argument("--month", required=True, help="月份 YYYY-MM")
    p.add_argument("--to", required=True, help="导出文件（.csv.gz）")
    p.add_argument("--drop", action="store_true", help="导出后删除摘下的分区")
    p.set_defaults(func=cmd_archive, needs_django=True)
    p = sub.add_parser("attach", help="把摘下（未删除）的月份分区挂回原表")
    p.add_argument("--table", required=True, help="表名")
    p.add_argument("--month", required=True, help="月份 YYYY-MM")
    p.set_defaults(func=cmd_attach, needs_django=True)


def _fail(message: str) -> int:
    print(f"错误：{message}", file=sys.stderr)
    return 2


def _postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def _spec_and_month(args: argparse.Namespace) -> tuple[object, object] | str:
    from minzheng.core.partitions import SPEC_BY_TABLE
    from minzheng.core.yearmonth import YearMonth

    spec = SPEC_BY_TABLE.get(args.table)
    if spec is None:
        return f"不是分区表：{args.table}（可选：{'、'.join(SPEC_BY_TABLE)}）"
    if spec.by != "month":
        return f"{args.table} 按数据来源分区，不能按月归档"
    try:
        month = YearMonth.parse(args.month)
    except ValueError:
        return f"月份格式应为YYYY-MM：{args.month}"
    return spec, month


def cmd_list(args: argparse.Namespace) -> int:
    from django.db import connection

    from minzheng.core import partitions as parts

    if not _postgres():
        return _fail("只有 PostgreSQL 数据库分区；当前数据库不分区")
    tables = [args.table] if args.table else [s.table for s in parts.SPECS]
    if args.table and args.table not in parts.SPEC_BY_TABLE:
        return _fail(f"不是分区表：{args.table}（可选：{'、'.join(parts.SPEC_BY_TABLE)}）")
    with connection.cursor() as cursor:
        for table in tables:
            for p in parts.partitions(cursor, table):
                record = {"table": p.table, "partition": p.name, "bound": p.bound}
                print(json.dumps({**record, "rows": p.rows, "bytes": p.bytes}, ensure_ascii=False))
    return 0


def cmd_ensure(args: argparse.Namespace) -> int:
    from django.db import connection, transaction

    from minzheng.core import partitions as parts
    from minzheng.core.clock import today

    if not _postgres():
        return _fail("只有 PostgreSQL 数据库分区；当前数据库不分区")
    if not 0 <= args.ahead <= 36:
        return _fail("--ahead 应在 0 到 36 之间")
    with transaction.atomic(), connection.cursor() as cursor:
        created = parts.ensure_all(cursor, today(), args.ahead)
    print(json.dumps({"created": created}, ensure_ascii=False))
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    from django.db import connection, transaction

    from minzheng.core import partitions as parts
    from minzheng.core.clock import today
    from minzheng.core.yearmonth import YearMonth

    if not _postgres():
        return _fail("只有 PostgreSQL 数据库分区；当前数据库不分区")
    found = _spec_and_month(args)
    if isinstance(found, str):
        return _fail(found)
    spec, month = found
    assert isinstance(spec, parts.Spec) and isinstance(month, YearMonth)
    now = today()
    if month >= YearMonth(now.year, now.month):
        return _fail(f"只能归档已经过去的月份：{month}")
    target = Path(args.to)
    if target.exists():
        return _fail(f"文件已存在，不覆盖：{target}")
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            name = parts.detach(cursor, spec, month)
            rows = parts.archive_rows(cursor, name, target)
            if args.drop:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no checks left pending on it
                cursor.execute(f'DROP TABLE "{name}"')
    except LookupError as exc:
        return _fail(str(exc))
    except OSError as exc:
        target.unlink(missing_ok=True)
        return _fail(f"无法写入 {target}：{exc.strerror}")
    result = {"table": spec.table, "month": str(month), "partition": name, "rows": rows}
    print(json.dumps({**result, "file": str(target), "dropped": bool(args.drop)}))
    return 0


def cmd_attach(args: argparse.Namespace) -> int:
    from django.db import DatabaseError, connection, transaction

    from minzheng.core import partitions as parts
    from minzheng.core.yearmonth import YearMonth

    if not _postgres():
        return _fail("只有 PostgreSQL 数据库分区；当前数据库不分区")
    found = _spec_and_month(args)
    if isinstance(found, str):
        return _fail(found)
    spec, month = found
    assert isinstance(spec, parts.Spec) and isinstance(month, YearMonth)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if not parts.is_detached(cursor, parts.month_partition(spec, month)):
                return _fail(f"{spec.table} 没有摘下的 {month} 分区")
            name = parts.attach(cursor, spec, month)
    except DatabaseError as exc:
        return _fail(f"无法挂回：{exc}")
    print(json.dumps({"table": spec.table, "month": str(month), "partition": name}))
    return 0
