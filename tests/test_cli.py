from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from minzheng.cli import build_parser, main

COMMANDS = ["demo", "serve", "migrate", "createuser", "rotate-keys", "keys"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    assert command in capsys.readouterr().out


def test_the_installed_entry_point_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "minzheng.cli", "--help"], capture_output=True, text=True, check=True
    )
    assert "智慧民政平台命令行" in result.stdout


def test_createuser_makes_a_scoped_account(
    regions: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "createuser",
            "zhang_san",
            "--role",
            "township_caseworker",
            "--region",
            "330203001000",
            "--password",
            "Strong#Pass2026",
            "--name",
            "张三",
        ]
    )
    assert code == 0 and "南门街道" in capsys.readouterr().out
    from minzheng.accounts.models import User

    assert User.objects.get(username="zhang_san").region_id == "330203001000"


def test_createuser_explains_a_bad_region(
    regions: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "createuser",
            "li_si",
            "--role",
            "township_caseworker",
            "--region",
            "999999999999",
            "--password",
            "Strong#Pass2026",
        ]
    )
    assert code == 2 and "区划代码不存在" in capsys.readouterr().err


def test_the_parser_lists_plugin_commands() -> None:
    choices = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert set(COMMANDS) <= set(choices)


def test_a_command_on_a_database_without_tables_says_to_migrate(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "-m", "minzheng.cli", "seed", "--scale", "district", "--dry-run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "数据库尚未建表，请先运行 minzheng migrate" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_demo_serves_from_a_fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forked from the process that ran the seed (DuckDB, Splink, Arrow), every gunicorn worker of
    `minzheng demo` died of SIGSEGV: the server must be its own `minzheng serve` process."""
    import minzheng.core.server
    import minzheng.demo
    import minzheng.jobs.schedules
    from minzheng.demo import DemoLogins

    started: list[list[str]] = []
    in_process: list[int] = []

    class Process:
        pid = 4242

        def __init__(self, command: list[str]) -> None:
            started.append(command)

        def wait(self) -> int:
            return 0

        def terminate(self) -> None:
            pass

    monkeypatch.setattr(minzheng.demo, "prepare_demo", lambda reset: DemoLogins("x"))
    monkeypatch.setattr(minzheng.jobs.schedules, "ensure_defaults", lambda: None)
    monkeypatch.setattr(subprocess, "Popen", Process)
    monkeypatch.setattr(minzheng.core.server, "serve", lambda *a, **k: in_process.append(1))
    from django.conf import settings

    monkeypatch.setenv("MINZHENG_DEMO_MODE", "")  # both restored after the test
    monkeypatch.setattr(settings, "DEMO_MODE", getattr(settings, "DEMO_MODE", False))
    assert main(["demo", "--port", "8299"]) == 0
    assert in_process == []
    assert [c[3:] for c in started] == [
        ["worker"],
        ["serve", "--host", "127.0.0.1", "--port", "8299", "--workers", "1", "--threads", "8"],
    ]
