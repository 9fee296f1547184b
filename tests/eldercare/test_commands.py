from __future__ import annotations

import json
from typing import Any

import pytest

from minzheng.cli import main


def test_the_monthly_allowance_job_prints_what_it_did(
    elders_fuhu: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eldercare", "allowances", "--county", "330203", "--month", "2024-06"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["month"], printed["enrolled"], printed["raised"], printed["ended"]) == (
        "2024-06",
        4,
        0,
        0,
    )
    assert main(["eldercare", "allowances", "--county", "330203", "--month", "2024-06"]) == 0
    assert json.loads(capsys.readouterr().out)["enrolled"] == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--county", "330203", "--month", "2024-13"], "月份格式应为 YYYY-MM"),
        (["--county", "海曙区"], "县（市、区）代码应为6位或12位数字"),
        (["--county", "330203001"], "县（市、区）代码应为6位或12位数字"),
        (["--county", "330203001001"], "不是县（市、区）"),
    ],
)
def test_bad_arguments_are_refused_in_chinese(
    elders_fuhu: dict[str, Any], capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["eldercare", "allowances", *argv]) == 2
    assert message in capsys.readouterr().err
