"""The legacy import format: five tables, as CSV files (a folder or a .zip) or sheets of one .xlsx.

A bureau's own column names are mapped to ours by a JSON mapping file:
`{"members": {"姓名": "name", "公民身份号码": "id_number"}, "payments": {...}}`.
CSV files may be UTF-8, UTF-8 with a byte-order mark, or GB18030/GBK (detected, or given).
See docs/adoption.md for every column.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minzheng.core.errors import ValidationFailed
from minzheng.core.uploads import decode_text

# table → (required columns, optional columns)
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "households": (("household_no", "village_code", "address"), ()),
    "members": (
        ("household_no", "name", "id_number", "relationship"),
        ("phone", "monthly_income"),
    ),
    "enrolments": (
        ("household_no", "programme", "monthly_amount", "start_month"),
        ("beneficiary_id_number", "gradual_exit_end_month", "care_level"),
    ),
    "bank_accounts": (("id_number", "bank_name", "account_number"), ()),
    "payments": (
        ("household_no", "programme", "month", "amount", "status"),
        ("beneficiary_id_number",),
    ),
}


@dataclass
class Row:
    table: str
    number: int  # as a spreadsheet shows it: the header is row 1
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class LegacyFiles:
    name: str
    checksum: str
    tables: dict[str, list[Row]] = field(default_factory=dict)


def decode(data: bytes, encoding: str | None = None) -> str:
    text = decode_text(data, encoding)
    if text is None:
        raise ValidationFailed(
            "文件编码无法识别：请使用 UTF-8 或 GB18030（GBK），或用 --encoding 指定",
            code="bad_encoding",
        )
    return text


def read_mapping(data: bytes | None) -> dict[str, dict[str, str]]:
    if not data:
        return {}
    try:
        raw = json.loads(decode(data))
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            f"列名对照文件不是有效的 JSON：{exc.msg}", code="bad_mapping"
        ) from exc
    if not isinstance(raw, dict):
        raise ValidationFailed("列名对照文件应为 {表名: {原列名: 标准列名}}", code="bad_mapping")
    mapping: dict[str, dict[str, str]] = {}
    for table, columns in raw.items():
        name = str(table).removesuffix(".csv")
        if name not in TABLES:
            raise ValidationFailed(f"列名对照文件中的表 {table} 不存在", code="bad_mapping")
        if not isinstance(columns, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
        ):
            raise ValidationFailed(
                f"表 {table} 的列名对照应为 {{原列名: 标准列名}}", code="bad_mapping"
            )
        known = set(TABLES[name][0]) | set(TABLES[name][1])
        for ours in columns.values():
            if ours not in known:
                raise ValidationFailed(f"表 {table} 没有标准列 {ours}", code="bad_mapping")
        mapping[name] = dict(columns)
    return mapping


def _rows(
    table: str, header: list[str], body: list[list[str]], mapping: dict[str, str]
) -> list[Row]:
    names = [mapping.get(h.strip(), h.strip()) for h in header]
    required = TABLES[table][0]
    missing = [c for c in required if c not in names]
    if missing:
        raise ValidationFailed(f"{table} 缺少列：{'、'.join(missing)}", code="missing_columns")
    rows = []
    for offset, values in enumerate(body, start=2):
        if not any(v.strip() for v in values):
            continue
        cells = {names[i]: values[i].strip() for i in range(min(len(names), len(values)))}
        rows.append(Row(table, offset, cells))
    return rows


def _csv_table(table: str, data: bytes, encoding: str | None, mapping: dict[str, str]) -> list[Row]:
    lines = list(csv.reader(io.StringIO(decode(data, encoding))))
    if not lines:
        return []
    return _rows(table, lines[0], lines[1:], mapping)


def read_legacy(
    name: str, data: bytes, *, encoding: str | None = None, mapping: dict[str, dict[str, str]]
) -> LegacyFiles:
    """Read an .xlsx workbook or a .zip of CSV files (uploads and the CLI both come here)."""
    import hashlib

    found = LegacyFiles(name, hashlib.sha256(data).hexdigest())
    if data[:4] != b"PK\x03\x04":
        raise ValidationFailed(
            "应上传 .xlsx 工作簿或 .zip 压缩包（内含五个 CSV 文件）", code="bad_file"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValidationFailed("文件已损坏，无法打开", code="bad_file") from exc
    members = set(archive.namelist())
    if "xl/workbook.xml" in members:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for table in TABLES:
            if table not in book.sheetnames:
                continue
            values = [
                ["" if v is None else str(v) for v in row]
                for row in book[table].iter_rows(values_only=True)
            ]
            if values:
                found.tables[table] = _rows(table, values[0], values[1:], mapping.get(table, {}))
        return found
    for table in TABLES:
        entry = next((m for m in members if Path(m).name == f"{table}.csv"), None)
        if entry is not None:
            if archive.getinfo(entry).file_size > 512 * 1024 * 1024:
                raise ValidationFailed(f"{table}.csv 过大", code="too_large")
            found.tables[table] = _csv_table(
                table, archive.read(entry), encoding, mapping.get(table, {})
            )
    return found


def read_folder(
    folder: Path, *, encoding: str | None, mapping: dict[str, dict[str, str]]
) -> LegacyFiles:
    """A folder holding households.csv, members.csv … (the CLI's usual input)."""
    import hashlib

    digest = hashlib.sha256()
    found = LegacyFiles(folder.name, "")
    for table in TABLES:
        path = folder / f"{table}.csv"
        if path.is_file():
            data = path.read_bytes()
            digest.update(table.encode() + b"\0" + data)
            found.tables[table] = _csv_table(table, data, encoding, mapping.get(table, {}))
    found.checksum = digest.hexdigest()
    return found


def as_record(rows: list[Row]) -> list[dict[str, Any]]:
    return [{"row": r.number, **r.cells} for r in rows]
