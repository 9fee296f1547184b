"""Every command answers bad input with a Chinese line on stderr and exit 2, never a traceback.

Regression: 11 of 34 bad inputs to `evaluate` and 6 of 13 to `link` ended in a traceback (GBK,
binary, empty, header-only, ragged CSV, missing file, a directory, an unwritable output,
`--as-of 2026-13-01`, huge numbers).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from minzheng.cli import main

CHINESE = re.compile(r"[\u4e00-\u9fff]")
HOUSEHOLD = {
    "region": "330203",
    "as_of": "2020-06-01",
    "members": [
        {
            "id": "李",
            "relationship": "applicant",
            "age": 45,
            "incomes": [{"kind": "wage", "monthly_amount": "600"}],
        }
    ],
}
LINK_HEADER = "record_id,source,name,id_number,birth_date,sex,phone,address\n"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse refusals
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _refused(result: tuple[int, str, str], *words: str) -> None:
    code, _out, err = result
    assert code == 2, err
    assert "Traceback" not in err and CHINESE.search(err), err
    for word in words:
        assert word in err, err


@pytest.fixture
def files(tmp_path: Path) -> Callable[[str, bytes], str]:
    def write(name: str, content: bytes) -> str:
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return write


# ── evaluate ─────────────────────────────────────────────────────────────────────────────────


def _with(**income: Any) -> bytes:
    body = json.loads(json.dumps(HOUSEHOLD))
    body["members"][0]["incomes"][0].update(income)
    return json.dumps(body).encode()


EVALUATE_BAD: list[tuple[str, bytes, tuple[str, ...]]] = [
    ("binary.json", b"\x00\x01\x02\xff\xfe", ("二进制",)),
    ("empty.json", b"", ("空",)),
    ("blank.json", b"  \n", ("空",)),
    ("broken.json", b'{"region": ', ("JSON",)),
    ("list.json", b"[1, 2]", ()),
    ("huge.json", _with(monthly_amount="1e28"), ()),
    ("huger.json", _with(monthly_amount="1e400"), ()),
    ("nan.json", _with(monthly_amount="NaN"), ()),
    ("inf.json", _with(monthly_amount="Infinity"), ()),
    ("number.json", _with(monthly_amount=10**30), ()),
    ("control.json", b'{"region": "330203\x01"}', ("控制字符",)),
    ("latin1.json", '{"region": "caf\xe9"}'.encode("latin-1") + b"\xff\xff", ("编码",)),
]


@pytest.mark.parametrize(("name", "content", "words"), EVALUATE_BAD)
def test_evaluate_refuses_a_bad_file_in_chinese(
    regions: None,
    files: Callable[[str, bytes], str],
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes,
    words: tuple[str, ...],
) -> None:
    _refused(run(["evaluate", files(name, content)], capsys), *words)


def test_evaluate_reads_gbk_and_utf8_bom_files(
    regions: None, files: Callable[[str, bytes], str], capsys: pytest.CaptureFixture[str]
) -> None:
    from minzheng.assistance.actions import do_load_parameter_catalog

    do_load_parameter_catalog(None)
    text = json.dumps(HOUSEHOLD, ensure_ascii=False)
    for name, data in (("gbk.json", text.encode("gbk")), ("bom.json", text.encode("utf-8-sig"))):
        code, out, err = run(["evaluate", files(name, data)], capsys)
        assert code == 0, err
        assert json.loads(out)["decisions"]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["evaluate", "/no/such/file.json"], ("找不到",)),
        (["evaluate", "/tmp"], ("目录",)),
        (["evaluate", "--all", "--as-of", "2026-13-01"], ("日期",)),
        (["evaluate", "--household", "99999999999999999999999"], ()),
        (["evaluate", "--household", "abc"], ()),
        (["evaluate", "--all", "--changes", "/no/such/dir/changes.jsonl"], ("目录",)),
        (["evaluate", "--all", "--changes", "/tmp"], ("目录",)),
        (["evaluate", "x.json", "--encoding", "no-such-encoding"], ()),
        (["evaluate", "--all", "--region", "33020X"], ("区划代码",)),
    ],
)
def test_evaluate_refuses_bad_arguments_in_chinese(
    regions: None, capsys: pytest.CaptureFixture[str], argv: list[str], words: tuple[str, ...]
) -> None:
    code, _out, err = run(argv, capsys)
    assert code == 2 and "Traceback" not in err
    for word in words:
        assert word in err, err


# ── link ─────────────────────────────────────────────────────────────────────────────────────

ROW = "r{n},民政,李建国,330203195001011238,1950-01-01,男,13805741234,解放南路12号\n"
GOOD = LINK_HEADER + ROW.format(n=1) + ROW.format(n=2).replace("李建国", "李建囯")

LINK_BAD: list[tuple[str, bytes, tuple[str, ...]]] = [
    ("binary.csv", b"\x00\x01PK\x03\x04", ("二进制",)),
    ("empty.csv", b"", ("空",)),
    ("header.csv", LINK_HEADER.encode(), ("只有表头",)),
    ("one.csv", (LINK_HEADER + ROW.format(n=1)).encode(), ("至少需要两条",)),
    ("ragged.csv", (LINK_HEADER + "r1,a,b,c,d,e,f,g,h,i,j\n").encode(), ("第 2 行有 11 列",)),
    ("short.csv", (LINK_HEADER + ROW.format(n=1) + "r2,a\n").encode(), ("第 3 行有 2 列",)),
    ("columns.csv", b"id,name\n1,a\n", ("缺少列",)),
    ("undecodable.csv", LINK_HEADER.encode() + b"r1,\xff\xfe\xfd\x80\x80\n", ("编码",)),
]


@pytest.mark.parametrize(("name", "content", "words"), LINK_BAD)
def test_link_refuses_a_bad_input_in_chinese(
    files: Callable[[str, bytes], str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes,
    words: tuple[str, ...],
) -> None:
    argv = ["link", "--input", files(name, content), "--output", str(tmp_path / "out.csv")]
    _refused(run(argv, capsys), *words)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--output", "/no/such/dir/out.csv"], ("目录不存在",)),
        (["--output", "/tmp"], ("目录",)),
        (["--output", "OUT", "--threshold", "1e400"], ("复核",)),
        (["--output", "OUT", "--threshold", "nan"], ("复核",)),
        (["--output", "OUT", "--threshold", "abc"], ()),
    ],
)
def test_link_refuses_bad_arguments_in_chinese(
    files: Callable[[str, bytes], str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    words: tuple[str, ...],
) -> None:
    source = files("in.csv", GOOD.encode())
    argv = ["link", "--input", source] + [
        str(tmp_path / "out.csv") if a == "OUT" else a for a in extra
    ]
    code, _out, err = run(argv, capsys)
    assert code == 2 and "Traceback" not in err
    for word in words:
        assert word in err, err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["link", "--input", "/no/such.csv", "--output", "OUT"], ("找不到",)),
        (["link", "--input", "/tmp", "--output", "OUT"], ("目录",)),
    ],
)
def test_link_refuses_a_missing_input_or_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], words: tuple[str, ...]
) -> None:
    argv = [str(tmp_path / "o.csv") if a == "OUT" else a for a in argv]
    _refused(run(argv, capsys), *words)


# ── every other command taking files or arguments ───────────────────────────────────────────


@pytest.mark.parametrize(
    "argv",
    [
        ["idnumber", "check", "--today", "2026-13-01"],
        ["idnumber", "check", "/no/such/file.txt"],
        ["applications", "overdue", "--date", "2026-02-30"],
        ["payments", "roll", "330203", "2026-13"],
        ["payments", "roll", "330203", "2026-01", "--chunk-size", "abc"],
        ["payments", "export", str(2**70), "--out", "/tmp/x.csv"],
        ["payments", "import-return", "/no/such/return.csv", "--as", "nobody"],
        ["payments", "reconcile", str(2**70)],
        ["import-households", "/no/such.xlsx", "--as", "nobody"],
        ["template", "--out", "/no/such/dir/t.xlsx"],
        ["createuser", "x\x00", "--role", "nope", "--region", "1", "--password", "p"],
    ],
)
def test_other_commands_refuse_bad_input_with_exit_2(
    regions: None, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, _out, err = run(argv, capsys)
    assert code == 2, err
    assert "Traceback" not in err and CHINESE.search(err), err


def test_import_households_refuses_binary_and_directories(
    caseworker_nanmen: Any, files: Callable[[str, bytes], str], capsys: pytest.CaptureFixture[str]
) -> None:
    for path in (files("x.xlsx", b"\x00\x01\x02"), "/tmp"):
        _refused(run(["import-households", path, "--as", "caseworker_nanmen"], capsys))


def test_import_return_refuses_a_binary_file(
    caseworker_nanmen: Any, files: Callable[[str, bytes], str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = files("return.csv", b"\x00\x01\x02\x03")
    argv = ["payments", "import-return", path, "--as", "caseworker_nanmen", "--bank-file", "1"]
    _refused(run(argv, capsys), "编码")


def test_the_installed_link_command_refuses_bad_input_without_django(tmp_path: Path) -> None:
    # `link` runs without Django set up: a Django import on its path would be a traceback here.
    import subprocess
    import sys

    bad = tmp_path / "ragged.csv"
    bad.write_text(LINK_HEADER + "r1,a\n", encoding="gb18030")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "minzheng.cli",
            "link",
            "--input",
            str(bad),
            "--output",
            str(tmp_path / "out.csv"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "第 2 行有 2 列" in result.stderr
