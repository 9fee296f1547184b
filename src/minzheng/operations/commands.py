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

    retention = subparsers.add_parser(
        "retention",
        help="数据归档：超过保留期限的办结案件、审计日志、部门数据移出在线库",
        description=(
            "minzheng retention plan：列出将归档的数量，不做任何修改。"
            "minzheng retention run：归档并移出在线库（与定时任务相同，记入审计日志）。"
            "minzheng retention verify DIR：校验一个归档目录（校验和、审计哈希链与封存记录）。"
            "出错时退出码为 2。"
        ),
    )
    retention.add_argument("action", nargs="+", metavar="plan|run|verify DIR")
    retention.add_argument("--as-of", help="基准日期 YYYY-MM-DD（默认今天）")
    retention.add_argument("--output", type=Path, help="归档根目录（默认 MINZHENG_ARCHIVE_DIR）")
    retention.set_defaults(func=run_retention, needs_django=True)


def run_retention(args: argparse.Namespace) -> int:
    from datetime import date

    from minzheng.core.clock import today
    from minzheng.core.errors import DomainError
    from minzheng.operations.retention import do_archive, plan, verify_archive, verify_seals

    action = args.action[0]
    usage = (
        "用法：minzheng retention plan|run [--as-of YYYY-MM-DD] 或 minzheng retention verify DIR"
    )
    if action not in ("plan", "run", "verify") or len(args.action) != (
        2 if action == "verify" else 1
    ):
        print(usage, file=sys.stderr)
        return 2
    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else today()
    except ValueError:
        print(f"基准日期 {args.as_of[:20]} 应为 YYYY-MM-DD", file=sys.stderr)
        return 2
    try:
        if action == "verify":
            report = verify_archive(Path(args.action[1]))
            problems = report.problems + verify_seals()
            for problem in problems:
                print(f"错误：{problem}", file=sys.stderr)
            if problems:
                return 2
            print(f"归档完好：{report.folder}，审计事件 {report.events} 条，哈希链与封存一致")
            return 0
        if action == "plan":
            p = plan(as_of)
            print(
                f"基准日期 {as_of}：办结案件 {len(p.case_ids)} 件（仍被引用保留 {p.cases_kept} 件），"
                f"部门数据批次 {len(p.feed_batch_ids)} 批，审计事件"
                f" {'无' if p.audit_through is None else f'{p.audit_first}–{p.audit_through}'}"
            )
            return 0
        run = do_archive(None, as_of, root=args.output)
    except DomainError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    counts = run.counts
    print(
        f"已归档到 {run.folder}：办结案件 {counts['cases']} 件、部门数据批次"
        f" {counts['feed_batches']} 批（{counts['feed_records']} 条记录）、"
        f"审计事件 {counts['audit_events']} 条"
    )
    return 0


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
