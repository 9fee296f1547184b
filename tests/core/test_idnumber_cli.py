from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from minzheng.core import commands

TODAY = "2025-06-30"
# The lead's `minzheng` command does the same: register every app's sub-commands, call `func`.
SMALL_MAIN = """
import argparse, sys
from minzheng.core import commands
parser = argparse.ArgumentParser(prog="minzheng")
commands.register(parser.add_subparsers(dest="command", required=True))
args = parser.parse_args(sys.argv[1:])
assert args.needs_django is False
sys.exit(args.func(args))
"""


def run_handler(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text: str
) -> tuple[int, list[dict[str, Any]]]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    args = argparse.Namespace(file=None, today=date.fromisoformat(TODAY))
    code = commands.check_id_numbers(args)
    return code, [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def run_main(*argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SMALL_MAIN, *argv],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def test_a_valid_number_prints_its_holder_as_one_json_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, rows = run_handler(monkeypatch, capsys, "330204900101123\n")
    assert code == 0
    assert rows == [
        {
            "input": "330204900101123",
            "valid": True,
            "normalized": "330204199001011232",
            "birth_date": "1990-01-01",
            "sex": "男",
            "region_code": "330204",
            "region_name": "江东区（今鄞州区）",
        }
    ]


def test_an_invalid_number_adds_the_error_and_the_exit_code_is_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, rows = run_handler(monkeypatch, capsys, "11010519491231002X\n330203195001011239\n")
    assert code == 1
    assert [row["valid"] for row in rows] == [True, False]
    assert rows[1]["error"] == {
        "code": "bad_check_digit",
        "message": "身份证号码校验码不符，可能有数字输错，请逐位核对",
    }
    assert "error" not in rows[0]


def test_every_input_line_gets_an_output_line_even_a_blank_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, rows = run_handler(monkeypatch, capsys, "360426199101010071\n\n11010519491231002x\r\n")
    assert [row["input"] for row in rows] == ["360426199101010071", "", "11010519491231002x"]
    assert rows[1]["error"]["code"] == "empty"
    assert rows[2]["normalized"] == "11010519491231002X"


def test_the_command_reads_a_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("\ufeff330203195001011238\n３６０４２６１９９１０１０１００７１\n", "utf-8")
    result = run_main("idnumber", "check", str(numbers), "--today", TODAY)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["region_name"] for row in rows] == ["海曙区", "德安县"]
    assert "海曙区" in result.stdout  # ensure_ascii=False: Chinese as itself, not \\u escapes


def test_the_command_reads_stdin_when_no_file_is_given() -> None:
    result = run_main("idnumber", "check", "--today", TODAY, stdin="330227201001011237\n")
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]["code"] == "area_not_in_force"


def test_a_missing_file_is_reported_in_chinese_with_exit_code_two(tmp_path: Path) -> None:
    result = run_main("idnumber", "check", str(tmp_path / "missing.txt"))
    assert result.returncode == 2
    assert "无法读取文件" in result.stderr
    assert result.stdout == ""
