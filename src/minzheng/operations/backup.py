"""Backups that restore: the database, the personal-data keys and a manifest that proves both.

A backup folder holds
- `database.sqlite3` (SQLite, through its online backup API) or `database.pgdump` (PostgreSQL,
  `pg_dump --format=custom` inside an exported snapshot);
- `keys.json`, the keyring: without it the encrypted columns of the dump cannot be read, so it
  travels with the dump and must be stored apart from it (docs/operations.md);
- `manifest.json`: the format version, when and from which database it was taken, each file's
  SHA-256 and size, and every table's row count as of the dump's own snapshot.

`verify_backup` checks the checksums and that the dump is readable; `restore_backup` verifies,
refuses a database that already holds tables, restores, and compares the row counts.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from minzheng.core.errors import DomainError

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
KEYS = "keys.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"


class BackupError(DomainError):
    code = "backup_error"


@dataclass
class VerifyReport:
    folder: Path
    problems: list[str] = field(default_factory=list)
    tables: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _vendor() -> str:
    return str(connection.vendor)


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore from Django's settings (password by env)."""
    db = settings.DATABASES["default"]
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return sorted(n for n in names if not n.startswith("sqlite_"))


def _row_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"找不到 {command[0]}：请安装与数据库版本一致的 PostgreSQL 客户端")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{done.stderr.strip()[:500]}")


def _prepare_output(output: Path) -> None:
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise BackupError(f"备份目录 {output} 已存在且不为空：请指定一个新目录")
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"无法创建备份目录 {output}：{exc.strerror}") from exc


def take_backup(output: Path) -> dict[str, Any]:
    """Write a backup of the live database and its keys into `output` (a new, empty folder)."""
    from minzheng.core.crypto import keyring

    _prepare_output(output)
    vendor = _vendor()
    tables = _tables()
    if vendor == "sqlite":
        target = output / SQLITE_FILE
        connection.ensure_connection()
        source = connection.connection
        with sqlite3.connect(target) as copy:
            # The online backup API copies a consistent image while writers go on.
            source.backup(copy)
        with sqlite3.connect(target) as copy:
            counts = _row_counts(copy.cursor(), tables)
        files = [SQLITE_FILE]
    elif vendor == "postgresql":
        args, env = _pg_environment()
        # Count rows in the very snapshot pg_dump reads, so the manifest matches the dump.
        with connection.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                counts = _row_counts(cursor, tables)
                _run(
                    [
                        "pg_dump",
                        *args,
                        "--format=custom",
                        "--no-owner",
                        f"--snapshot={snapshot}",
                        f"--file={output / PG_FILE}",
                    ],
                    env,
                )
            finally:
                cursor.execute("COMMIT")
        files = [PG_FILE]
    else:
        raise BackupError(f"不支持的数据库：{vendor}")
    keys = output / KEYS
    keys.write_text(keyring().to_json())
    keys.chmod(0o600)
    files.append(KEYS)
    manifest: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": vendor,
        "files": {
            name: {"sha256": _sha256(output / name), "bytes": (output / name).stat().st_size}
            for name in files
        },
        "row_counts": counts,
    }
    (output / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not folder.is_dir():
        raise BackupError(f"备份目录 {folder} 不存在")
    if not path.is_file():
        raise BackupError(f"{folder} 中没有 {MANIFEST}：不是 minzheng 备份目录")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{MANIFEST} 无法解析：{exc}") from exc
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {manifest.get('format_version')!r} 不受支持")
    return manifest


def verify_backup(folder: Path) -> VerifyReport:
    """Checksums, a readable key file, and a dump that its own tools can read."""
    from minzheng.core.crypto import Keyring

    manifest = read_manifest(folder)
    report = VerifyReport(folder)
    for name, entry in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            report.problems.append(f"缺少文件 {name}")
        elif _sha256(path) != entry["sha256"]:
            report.problems.append(f"{name} 的校验和不符：文件已损坏或被改动")
    if report.problems:
        return report
    try:
        Keyring.from_json((folder / KEYS).read_text())
    except (
        Exception
    ) as exc:  # a key file that does not parse is a broken backup, whatever the cause
        report.problems.append(f"{KEYS} 无法读取：{exc}")
    counts: dict[str, int] = manifest["row_counts"]
    if manifest["database"] == "sqlite":
        with sqlite3.connect(f"file:{folder / SQLITE_FILE}?mode=ro", uri=True) as copy:
            result = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                report.problems.append(f"数据库文件完整性检查失败：{result}")
            else:
                found = _row_counts(copy.cursor(), sorted(counts))
                for table, expected in counts.items():
                    if found.get(table) != expected:
                        report.problems.append(
                            f"表 {table} 行数 {found.get(table)} ≠ 清单 {expected}"
                        )
    else:
        try:
            _run(["pg_restore", "--list", str(folder / PG_FILE)])
        except BackupError as exc:
            report.problems.append(exc.message)
    report.tables = len(counts)
    report.rows = sum(counts.values())
    return report


def _keys_for_restore(folder: Path) -> None:
    """Put the backup's keys where this installation reads them, never overwriting other keys."""
    from minzheng.core.crypto import Keyring, key_file_path, reset_keyring_cache, write_keyring

    saved = Keyring.from_json((folder / KEYS).read_text())
    env_keys = os.environ.get("MINZHENG_KEYS")
    if env_keys:
        current = Keyring.from_json(env_keys)
    elif key_file_path().exists():
        current = Keyring.from_json(key_file_path().read_text())
    else:
        write_keyring(saved, key_file_path())
        reset_keyring_cache()
        return
    missing = sorted(k for k, key in saved.keys.items() if current.keys.get(k) != key)
    if missing or current.index_key != saved.index_key:
        raise BackupError(
            "当前配置的密钥与备份中的密钥不同（缺少 "
            + ("、".join(missing) or "检索索引密钥")
            + "）：请先移走现有密钥文件或清除 MINZHENG_KEYS，再恢复"
        )


def restore_backup(folder: Path) -> VerifyReport:
    """Restore a verified backup onto an empty database, then compare every table's rows."""
    report = verify_backup(folder)
    if not report.ok:
        raise BackupError("备份校验未通过：" + "；".join(report.problems))
    manifest = read_manifest(folder)
    vendor = _vendor()
    if manifest["database"] != vendor:
        raise BackupError(f"备份来自 {manifest['database']}，当前数据库是 {vendor}")
    if _tables():
        raise BackupError("目标数据库不是空的：只能恢复到一个没有任何表的新数据库")
    _keys_for_restore(folder)
    if vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(folder / SQLITE_FILE) as source:
            source.backup(connection.connection)
    else:
        args, env = _pg_environment()
        _run(["pg_restore", *args, "--no-owner", "--exit-on-error", str(folder / PG_FILE)], env)
    connection.close()
    with connection.cursor() as cursor:
        found = _row_counts(cursor, sorted(manifest["row_counts"]))
    for table, expected in manifest["row_counts"].items():
        if found.get(table) != expected:
            report.problems.append(f"恢复后表 {table} 行数 {found.get(table)} ≠ 清单 {expected}")
    if not report.ok:
        raise BackupError("恢复后核对不符：" + "；".join(report.problems))
    return report
