"""`minzheng creditcode check [FILE]`: check unified social credit codes, one per line, as JSON lines.

The twin of `minzheng idnumber check`. Exit codes: 0 all valid, 1 some invalid, 2 unreadable file.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from minzheng.core.creditcode import parse

EXIT_ALL_VALID = 0
EXIT_SOME_INVALID = 1
EXIT_UNREADABLE = 2
# Files come from Excel exports and other bureaus' systems: UTF-8 (with or without BOM) or GBK.
ENCODINGS = ("utf-8-sig", "gb18030")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("creditcode", help="统一社会信用代码工具")
    parser.set_defaults(needs_django=False)
    commands = parser.add_subparsers(dest="creditcode_command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="逐行校验统一社会信用代码，每行输出一个 JSON 对象",
        description=(
            "从文件或标准输入逐行读取统一社会信用代码（GB 32100-2015），每行输出一个 JSON 对象。"
            "退出码：0 全部有效，1 有无效代码，2 文件无法读取。"
        ),
    )
    check.add_argument(
        "file", nargs="?", help="每行一个代码的文本文件（UTF-8 或 GBK）；不填则读标准输入"
    )
    check.set_defaults(func=check_credit_codes, needs_django=False)


def check_credit_codes(args: argparse.Namespace) -> int:
    if args.file is None:
        return _check_lines(sys.stdin.read().splitlines(), sys.stdout)
    try:
        with open(args.file, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        print(f"无法读取文件 {args.file}：{exc.strerror or exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _check_lines(text.splitlines(), sys.stdout)
    print(f"无法读取文件 {args.file}：编码不是 UTF-8 或 GBK", file=sys.stderr)
    return EXIT_UNREADABLE


def _check_lines(lines: list[str], out: TextIO) -> int:
    exit_code = EXIT_ALL_VALID
    # One output line per input line, blank ones included, so results line up with the input.
    for line in lines:
        result = parse(line)
        if not result.valid:
            exit_code = EXIT_SOME_INVALID
        out.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
    return exit_code
