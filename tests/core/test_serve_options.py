"""`minzheng serve --backpressure N` reaches granian; a bad value is refused in Chinese."""

from __future__ import annotations

from typing import Any

import pytest

from minzheng import cli
from minzheng.core import server


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(server, "serve", lambda *a, **kw: calls.append({"args": a, **kw}))
    return calls


def test_backpressure_is_passed_to_granian(served: list[dict[str, Any]]) -> None:
    argv = ["serve", "--server", "granian", "--workers", "2", "--threads", "8"]
    assert cli.main([*argv, "--backpressure", "16"]) == 0
    assert [{k: v for k, v in call.items() if k != "args"} for call in served] == [
        {"workers": 2, "threads": 8, "server": "granian", "backpressure": 16}
    ]


def test_without_backpressure_granian_chooses(served: list[dict[str, Any]]) -> None:
    assert cli.main(["serve", "--server", "granian"]) == 0
    assert served[0]["backpressure"] is None


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--server", "granian", "--backpressure", "0"], "须为正整数"),
        (["--server", "gunicorn", "--backpressure", "8"], "只用于 --server granian"),
    ],
)
def test_a_bad_backpressure_is_refused_in_chinese(
    served: list[dict[str, Any]], capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    assert cli.main(["serve", *argv]) == 2
    assert words in capsys.readouterr().err and served == []
