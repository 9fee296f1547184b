"""`minzheng payments export | import-return | reconcile`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from minzheng.cli import main
from minzheng.payments.models import BankFile

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("command", ["roll", "export", "import-return", "reconcile"])
def test_every_payments_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["payments", command, "--help"])
    assert done.value.code == 0
    assert command in capsys.readouterr().out


def test_export_import_and_reconcile_a_march_file(
    approved_march: Any,
    approver_haishu: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "海曙202003.csv"
    code = main(
        ["payments", "export", str(approved_march.pk), "--template", "通用CSV", "--out", str(out)]
    )
    assert code == 0
    exported = json.loads(capsys.readouterr().out)
    assert (exported["lines"], exported["total_fen"]) == (2, 207500)
    file_id = exported["bank_file"]
    assert (
        out.read_text().splitlines()[1] == f"B{file_id}-1,6222021234567890,李建国,750.00,C,救助金"
    )

    returned = tmp_path / "回盘.csv"
    returned.write_text(f"B{file_id}-1,0000\nB{file_id}-2,E102,账户已销户\nB{file_id}-9,0000\n")
    code = main(["payments", "import-return", str(returned), "--as", approver_haishu.username])
    captured = capsys.readouterr()
    assert code == 0
    assert json.loads(captured.out) == {"bank_file": file_id, "recorded": 2, "errors": 1}
    assert f"第3行：流水号 B{file_id}-9 不属于该银行文件" in captured.err

    assert main(["payments", "reconcile", str(file_id)]) == 0
    totals = json.loads(capsys.readouterr().out)
    assert (totals["issued"], totals["paid"], totals["failed"], totals["pending"]) == (
        "2075.00",
        "750.00",
        "1325.00",
        "0.00",
    )
    assert totals["balanced"] is True


def test_export_refuses_a_draft_roll_in_chinese(
    dibao_li: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from minzheng.core.yearmonth import YearMonth
    from minzheng.payments.actions import do_run_roll

    roll = do_run_roll(None, "330203", YearMonth(2020, 3)).roll
    code = main(["payments", "export", str(roll.pk), "--out", str(tmp_path / "x.csv")])
    assert code == 2 and "未经审批" in capsys.readouterr().err
    assert not BankFile.objects.exists()


def test_export_names_an_unknown_template(
    approved_march: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["payments", "export", str(approved_march.pk), "--template", "不存在", "--out", "x.csv"]
    )
    assert code == 2 and "银行文件模板 不存在 不存在" in capsys.readouterr().err


def test_reconcile_reports_an_unknown_file(
    regions: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["payments", "reconcile", "999"]) == 2
    assert "银行文件 999 不存在" in capsys.readouterr().err
