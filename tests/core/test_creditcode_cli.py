from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from minzheng.core.creditcode import build

SMALL_MAIN = """
import argparse, sys
from minzheng.organisations import commands
parser = argparse.ArgumentParser(prog="minzheng")
commands.register(parser.add_subparsers(dest="command", required=True))
args = parser.parse_args(sys.argv[1:])
assert args.needs_django is False
sys.exit(args.func(args))
"""
GOOD = build("5", "1", "330203", "MJ000001")


def run(*argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SMALL_MAIN, *argv],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def test_check_prints_one_json_line_per_input_line_and_exits_1_on_a_bad_one() -> None:
    done = run("creditcode", "check", stdin=f"{GOOD}\n\n51330203MJ0000018C\n")
    assert done.returncode == 1
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["valid"] for line in lines] == [True, False, False]
    assert lines[0]["type_name"] == "社会团体"
    assert lines[1]["error"]["code"] == "empty"
    assert lines[2]["error"]["code"] == "bad_check_digit"


def test_check_exits_0_when_all_are_valid() -> None:
    done = run("creditcode", "check", stdin=f"{GOOD}\n91110000600037341L\n")
    assert done.returncode == 0


def test_a_gbk_file_with_a_chinese_comment_line_is_read(tmp_path: Path) -> None:
    path = tmp_path / "codes.txt"
    path.write_bytes(f"{GOOD}\r\n无效代码\r\n".encode("gb18030"))
    done = run("creditcode", "check", str(path))
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["valid"] for line in lines] == [True, False]
    assert lines[1]["input"] == "无效代码"


def test_a_missing_file_is_a_chinese_error_on_stderr_with_exit_2(tmp_path: Path) -> None:
    done = run("creditcode", "check", str(tmp_path / "none.txt"))
    assert done.returncode == 2
    assert "无法读取文件" in done.stderr
    assert done.stdout == ""
