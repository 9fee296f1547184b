"""`minzheng idnumber check [FILE]`: check resident ID numbers, one per line, as JSON lines.

Registered by `minzheng.cli`, which finds `register` in every app's `commands` module.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timedelta, timezone
from typing import TextIO

from minzheng.core.idnumber import parse
from minzheng.core.inputs import iso_date

# China Standard Time has had no daylight saving since 1991: a fixed offset needs no tz database.
CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")

EXIT_ALL_VALID = 0
EXIT_SOME_INVALID = 1
EXIT_UNREADABLE = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from minzheng.core import partition_commands

    partition_commands.register(subparsers)
    parser = subparsers.add_parser("idnumber", help="身份证号码工具")
    parser.set_defaults(needs_django=False)
    commands = parser.add_subparsers(dest="idnumber_command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="逐行校验身份证号码，每行输出一个 JSON 对象",
        description=(
            "从文件或标准输入逐行读取身份证号码，每行输出一个 JSON 对象。"
            "退出码：0 全部有效，1 有无效号码，2 文件无法读取。"
        ),
    )
    check.add_argument("file", nargs="?", help="每行一个号码的文本文件（UTF-8）；不填则读标准输入")
    check.add_argument(
        "--today",
        type=iso_date,
        help="按这一天判断（YYYY-MM-DD），默认北京时间今天",
    )
    check.set_defaults(func=check_id_numbers, needs_django=False)


def check_id_numbers(args: argparse.Namespace) -> int:
    today: date = args.today or datetime.now(CHINA_STANDARD_TIME).date()
    if args.file is None:
        return _check_lines(sys.stdin, sys.stdout, today)
    try:
        # utf-8-sig: files saved from Excel or Notepad start with a byte-order mark.
        with open(args.file, encoding="utf-8-sig") as lines:
            return _check_lines(lines, sys.stdout, today)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"无法读取文件 {args.file}：{exc}", file=sys.stderr)
        return EXIT_UNREADABLE


def _check_lines(lines: TextIO, out: TextIO, today: date) -> int:
    exit_code = EXIT_ALL_VALID
    # One output line per input line, blank ones included, so results line up with the input.
    for line in lines:
        result = parse(line.rstrip("\r\n"), today=today)
        if not result.valid:
            exit_code = EXIT_SOME_INVALID
        out.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
    return exit_code
