"""A backup restores to an identical platform: the same rows in every table, the same decrypted data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from minzheng.cli import main
from minzheng.operations.backup import MANIFEST, verify_backup

READ_BACK = """
import json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
django.setup()
from django.db import connection
from minzheng.registry.models import Person
with connection.cursor() as cursor:
    tables = sorted(t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_"))
    counts = {}
    for t in tables:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(t)}")
        counts[t] = cursor.fetchone()[0]
ids = {p.name: p.id_number_plain() for p in Person.objects.all()}
print(json.dumps({"counts": counts, "ids": ids}))
"""


@pytest.fixture
def empty_target(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a second, empty installation on the same kind of database."""
    env = {k: v for k, v in os.environ.items() if k != "MINZHENG_KEYS"}
    env["MINZHENG_VAR_DIR"] = str(tmp_path / "restored-var")
    env.pop("MINZHENG_KEY_FILE", None)
    if connection.vendor == "postgresql":
        name = f"mz_restore_{uuid.uuid4().hex[:10]}"
        settings = connection.settings_dict
        server = f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{server}/{name}"
        yield env
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        env.pop("DATABASE_URL", None)
        yield env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "minzheng.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _live_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = sorted(
            t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_")
        )
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_to_an_identical_platform(
    household_li_three_members: Any,
    tmp_path: Path,
    empty_target: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "backup"
    assert main(["backup", "--output", str(folder)]) == 0
    manifest = json.loads((folder / MANIFEST).read_text())
    before = _live_counts()
    # The manifest counts the snapshot the dump was taken from; the backup adds its own audit row.
    assert manifest["row_counts"]["registry_person"] == 3
    assert manifest["row_counts"]["regions_region"] == before["regions_region"] > 3000
    assert verify_backup(folder).ok

    restored = _run(["restore", str(folder)], empty_target)
    assert restored.returncode == 0, restored.stderr
    assert "与清单一致" in restored.stdout
    # The backup's keys were written where the new installation reads them.
    assert (Path(empty_target["MINZHENG_VAR_DIR"]) / "keys.json").exists()

    read = subprocess.run(
        [sys.executable, "-c", READ_BACK], env=empty_target, capture_output=True, text=True
    )
    assert read.returncode == 0, read.stderr
    after = json.loads(read.stdout)
    expected = dict(manifest["row_counts"])
    expected["core_auditevent"] += 1  # the restore records itself
    assert after["counts"] == expected
    assert after["ids"] == {
        "李建国": "330203195001011238",
        "王秀英": "330203195203152346",
        "李明": "330203198006204438",
    }


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_fails_verification_and_is_not_restored(
    household_li_three_members: Any,
    tmp_path: Path,
    empty_target: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "backup"
    assert main(["backup", "--output", str(folder)]) == 0
    dump = next(p for p in folder.iterdir() if p.name.startswith("database."))
    with dump.open("r+b") as stream:
        stream.seek(dump.stat().st_size // 2)
        stream.write(b"\x00corrupted\x00")
    capsys.readouterr()
    assert main(["backup", "verify", str(folder)]) == 2
    assert "校验和不符" in capsys.readouterr().err
    refused = _run(["restore", str(folder)], empty_target)
    assert refused.returncode == 2
    assert "校验和不符" in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(
    household_li_three_members: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "backup"
    assert main(["backup", "--output", str(folder)]) == 0
    capsys.readouterr()
    assert main(["restore", str(folder)]) == 2
    assert "目标数据库不是空的" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_keys_that_differ_from_the_backup(
    household_li_three_members: Any, tmp_path: Path, empty_target: dict[str, str]
) -> None:
    from minzheng.core.crypto import Keyring

    folder = tmp_path / "backup"
    assert main(["backup", "--output", str(folder)]) == 0
    env = dict(empty_target, MINZHENG_KEYS=Keyring.generate().to_json())
    refused = _run(["restore", str(folder)], env)
    assert refused.returncode == 2
    assert "当前配置的密钥与备份中的密钥不同" in refused.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["backup"], "请用 --output 指定新的备份目录"),
        (["backup", "verify"], "用法"),
        (["backup", "check", "x"], "用法"),
        (["backup", "verify", "/nonexistent/minzheng-backup"], "不存在"),
        (["restore", "/nonexistent/minzheng-backup"], "不存在"),
    ],
)
def test_bad_arguments_get_a_chinese_error_and_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str], db: None
) -> None:
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_backup_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], db: None
) -> None:
    (tmp_path / "something").write_text("x")
    assert main(["backup", "--output", str(tmp_path)]) == 2
    assert "已存在且不为空" in capsys.readouterr().err
