"""`minzheng seed`, `minzheng template` and `minzheng import-households`.

Registered by `minzheng.cli`, which finds `register` in every app's `commands` module.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path

EXIT_OK = 0
EXIT_ROWS_REJECTED = 1
EXIT_REFUSED = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from minzheng.registry.seed import SCALES

    p = subparsers.add_parser(
        "seed",
        help="生成合成的宁波人员库（演示和性能测试用）",
        description=(
            "按 2020 年人口普查的区县人口、年龄结构和户均人数生成合成家庭户，写入空的人员库。"
            "同一规模和种子重复运行不做任何改动；库里已有其他人员时拒绝写入。"
        ),
    )
    p.add_argument(
        "--scale",
        choices=sorted(SCALES),
        default="test",
        help="规模：test/district/city/ningbo（全市 940 万人）",
    )
    p.add_argument("--seed", type=int, default=2020, help="随机种子（同一种子生成同样的数据）")
    p.add_argument("--persons", type=_positive, help="覆盖规模的人数（测试用）")
    p.add_argument("--chunk-persons", type=_positive, help="每块人数（默认 600000；决定内存上限）")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="只生成并按规则认定，打印与文章数字的对比，不写数据库",
    )
    p.add_argument(
        "--history",
        metavar="起始月:结束月",
        help="生成后按月回放平台自己的流程，如 2020-01:2020-12（申请、审批、花名册、银行文件、回盘、"
        "物价补贴、复核退出和渐退）；已回放的月份跳过",
    )
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_seed, needs_django=True)

    p = subparsers.add_parser(
        "year-report",
        help="回放年度的支出（低保金、特困、物价补贴）按人口折算到全市，与文章数字对比",
    )
    p.add_argument("--year", type=int, default=2020, help="年度（默认 2020）")
    p.set_defaults(func=cmd_year_report, needs_django=True)

    p = subparsers.add_parser("template", help="写出家庭户和成员导入模板（.xlsx）")
    p.add_argument("--out", default="家庭户导入模板.xlsx", help="输出文件")
    p.set_defaults(func=cmd_template, needs_django=False)

    p = subparsers.add_parser(
        "import-households",
        help="从 Excel 导入家庭户和成员",
        description="退出码：0 全部导入，1 有行被拒绝（见错误报告），2 文件或账号不可用。",
    )
    p.add_argument("file", help="按模板填写的 .xlsx 文件")
    p.add_argument(
        "--as", dest="username", required=True, help="以哪个工作人员的身份和管辖范围导入"
    )
    p.add_argument("--report", help="错误报告输出文件（默认：<文件名>.错误报告.xlsx）")
    p.set_defaults(func=cmd_import_households, needs_django=True)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数：{text}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"应为正整数：{text}")
    return value


def cmd_seed(args: argparse.Namespace) -> int:
    from minzheng.core.errors import DomainError
    from minzheng.registry.seed import seed_registry

    started = time.perf_counter()

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr)

    if args.dry_run:
        return _dry_run(args, started)
    history = None
    if args.history:
        from minzheng.registry.year import parse_range

        try:
            history = parse_range(args.history)
        except DomainError as exc:
            print(f"错误：{exc.message}", file=sys.stderr)
            return EXIT_REFUSED
    try:
        report = seed_registry(
            args.scale,
            args.seed,
            persons=args.persons,
            progress=progress,
            chunk_persons=args.chunk_persons,
            bar=not args.quiet,
        )
    except DomainError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return EXIT_REFUSED
    result = report.as_dict() | {"seconds": round(time.perf_counter() - started, 1)}
    if history is not None:
        from minzheng.registry.year import run_history

        try:
            replayed = run_history(*history, progress=progress)
        except DomainError as exc:
            print(f"错误：{exc.message}", file=sys.stderr)
            return EXIT_REFUSED
        result["history"] = replayed.as_dict()
        result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, ensure_ascii=False))
    return EXIT_OK


def cmd_year_report(args: argparse.Namespace) -> int:
    from minzheng.core.errors import DomainError
    from minzheng.registry.year import compare_year

    try:
        report = compare_year(args.year)
    except DomainError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return EXIT_REFUSED
    print(json.dumps(report, ensure_ascii=False))
    return EXIT_OK


def _dry_run(args: argparse.Namespace, started: float) -> int:
    from minzheng.registry import economy
    from minzheng.registry.city_seed import CHUNK_PERSONS, decide_only
    from minzheng.registry.seed import SCALES

    persons = args.persons or SCALES[args.scale]
    tally = decide_only(
        args.seed, persons, chunk_persons=args.chunk_persons or CHUNK_PERSONS, bar=not args.quiet
    )
    seconds = time.perf_counter() - started
    result = {
        "scale": args.scale,
        "seed": args.seed,
        "persons": persons,
        "decided": tally.as_dict(),
        "versus_article": economy.compare(tally, persons),
        "seconds": round(seconds, 1),
    }
    print(json.dumps(result, ensure_ascii=False))
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from minzheng.core.inputs import check_writable
    from minzheng.registry.template import template_bytes

    check_writable(args.out, label="模板文件")
    Path(args.out).write_bytes(template_bytes())
    print(f"已写出导入模板 {args.out}")
    return EXIT_OK


def cmd_import_households(args: argparse.Namespace) -> int:
    from minzheng.accounts.models import User
    from minzheng.core.errors import DomainError
    from minzheng.core.inputs import check_writable, read_file_bytes
    from minzheng.core.uploads import XLSX, check_data_file
    from minzheng.registry.imports import import_households

    user = User.objects.filter(username=args.username).select_related("region").first()
    if user is None:
        print(f"错误：没有用户 {args.username}", file=sys.stderr)
        return EXIT_REFUSED
    path = Path(args.file)
    try:
        checked = check_data_file(read_file_bytes(path, label="导入文件"), {XLSX})
        if args.report:
            check_writable(args.report, label="错误报告文件")
        result = import_households(user, io.BytesIO(checked.data))
    except OSError as exc:
        print(f"错误：无法读取 {path}：{exc}", file=sys.stderr)
        return EXIT_REFUSED
    except DomainError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return EXIT_REFUSED
    summary = result.summary()
    if result.errors:
        report = Path(args.report or path.with_suffix(".错误报告.xlsx"))
        report.write_bytes(result.error_report())
        summary["report"] = str(report)
    print(json.dumps(summary, ensure_ascii=False))
    return EXIT_ROWS_REJECTED if result.errors else EXIT_OK
