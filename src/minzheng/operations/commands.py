"""`minzheng backup --output DIR`, `minzheng backup verify DIR`, `minzheng restore DIR`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = subparsers.add_parser(
        "backup",
        help="备份数据库与个人信息密钥（或 backup verify DIR 校验一份备份）",
        description=(
            "minzheng backup --output DIR：把数据库（PostgreSQL 用 pg_dump，SQLite 用在线备份）、"
            "密钥文件和带校验和与各表行数的清单写入一个新目录。"
            "minzheng backup verify DIR：校验一份备份。出错时退出码为 2。"
        ),
    )
    backup.add_argument("action", nargs="*", metavar="verify DIR", help="校验已有备份")
    backup.add_argument("--output", type=Path, help="新的备份目录（必须不存在或为空）")
    backup.set_defaults(func=run_backup, needs_django=True)

    restore = subparsers.add_parser(
        "restore",
        help="把一份备份恢复到空数据库",
        description="先校验备份，再恢复到没有任何表的数据库，并逐表核对行数。出错时退出码为 2。",
    )
    restore.add_argument("folder", type=Path, help="备份目录")
    restore.set_defaults(func=run_restore, needs_django=True)


def run_backup(args: argparse.Namespace) -> int:
    from minzheng.core.audit import record
    from minzheng.core.errors import DomainError
    from minzheng.core.models import AuditEvent
    from minzheng.operations.backup import take_backup, verify_backup

    try:
        if args.action:
            if len(args.action) != 2 or args.action[0] != "verify":
                print(
                    "用法：minzheng backup --output DIR 或 minzheng backup verify DIR",
                    file=sys.stderr,
                )
                return 2
            if args.output is not None:
                print("校验备份时不要同时给 --output", file=sys.stderr)
                return 2
            report = verify_backup(Path(args.action[1]))
            if not report.ok:
                for problem in report.problems:
                    print(f"错误：{problem}", file=sys.stderr)
                return 2
            print(f"备份完好：{report.folder}，{report.tables} 张表，{report.rows} 行")
            return 0
        if args.output is None:
            print("请用 --output 指定新的备份目录", file=sys.stderr)
            return 2
        manifest = take_backup(args.output)
    except DomainError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    rows = sum(manifest["row_counts"].values())
    record(
        None,
        AuditEvent.Action.EXPORT,
        "database",
        summary=f"备份到 {args.output}（{len(manifest['row_counts'])} 张表，{rows} 行）",
    )
    print(f"已备份到 {args.output}：{len(manifest['row_counts'])} 张表，{rows} 行，含密钥文件")
    print("请把 keys.json 与数据库备份分开保管（见 docs/operations.md）。")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from minzheng.core.audit import record
    from minzheng.core.errors import DomainError
    from minzheng.operations.backup import restore_backup

    try:
        report = restore_backup(args.folder)
    except DomainError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    record(
        None,
        "restore",
        "database",
        summary=f"从 {args.folder} 恢复（{report.tables} 张表，{report.rows} 行）",
    )
    print(f"已恢复：{report.tables} 张表，{report.rows} 行，与清单一致")
    return 0
