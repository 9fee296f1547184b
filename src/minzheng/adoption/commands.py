"""`minzheng legacy import PATH [--mapping FILE] [--dry-run]` and `minzheng legacy export`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from minzheng.core.regioncode import full_code


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "legacy", help="存量数据迁移：导入原系统导出的救助对象与发放记录"
    )
    commands = parser.add_subparsers(dest="legacy_command", required=True, metavar="COMMAND")
    load = commands.add_parser(
        "import",
        help="导入（或 --dry-run 试运行）原系统导出文件",
        description=(
            "PATH 为含 households.csv、members.csv、enrolments.csv、bank_accounts.csv、payments.csv "
            "的目录、.zip 压缩包或含同名工作表的 .xlsx。报告每个错误行（文件、行、列、原因）和按县、"
            "项目、月份的合计；重复运行不会重复创建。出错时退出码为 2。"
        ),
    )
    load.add_argument("path", type=Path)
    load.add_argument("--mapping", type=Path, help="列名对照 JSON 文件")
    load.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
    load.add_argument("--region", default=None, help="导入范围的区划代码（默认全市）")
    load.add_argument("--encoding", default=None, help="CSV 编码（默认自动识别 UTF-8 / GB18030）")
    load.set_defaults(func=run_import, needs_django=True)

    export = commands.add_parser("export", help="按导入格式导出本平台的救助对象与发放记录")
    export.add_argument("--region", required=True, help="区划代码")
    export.add_argument("--through", required=True, help="发放记录截至月份 YYYY-MM")
    export.add_argument("--output", type=Path, required=True)
    export.set_defaults(func=run_export, needs_django=True)


def run_import(args: argparse.Namespace) -> int:
    from minzheng.adoption.actions import do_import_legacy
    from minzheng.adoption.formats import read_folder, read_legacy, read_mapping
    from minzheng.core.errors import DomainError

    try:
        mapping = read_mapping(args.mapping.read_bytes() if args.mapping else None)
        if args.path.is_dir():
            files = read_folder(args.path, encoding=args.encoding, mapping=mapping)
        else:
            files = read_legacy(
                args.path.name, args.path.read_bytes(), encoding=args.encoding, mapping=mapping
            )
        batch = do_import_legacy(None, files, dry_run=args.dry_run, region_code=args.region)
    except OSError as exc:
        print(f"错误：无法读取 {exc.filename}：{exc.strerror}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    for error in batch.report["errors"]:
        print(
            f"{error['file']} 第{error['row']}行 {error['column']}：{error['reason']}",
            file=sys.stderr,
        )
    print(json.dumps(batch.report, ensure_ascii=False, indent=2))
    # Bad rows are reported and the good ones kept, as every import does: that is not a failure.
    return 0


def run_export(args: argparse.Namespace) -> int:
    from minzheng.adoption.exporter import export_legacy
    from minzheng.core.yearmonth import YearMonth
    from minzheng.regions.models import Region

    try:
        region = Region.objects.get(pk=full_code(args.region))
        year, month = (int(part) for part in args.through.split("-"))
        through = YearMonth(year, month)
    except (Region.DoesNotExist, ValueError):
        print("错误：区划代码或月份（YYYY-MM）无效", file=sys.stderr)
        return 2
    try:
        counts = export_legacy(region, through, args.output)
    except OSError as exc:
        print(f"错误：无法写入 {args.output}：{exc.strerror}", file=sys.stderr)
        return 2
    print(json.dumps(counts, ensure_ascii=False))
    return 0
