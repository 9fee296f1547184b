"""Bank files out (CSV or fixed width, per template) and return files in.

Lines are built set-based in SQL: one transfer per payee and roll, the net of the payee's payouts
minus this month's recovery instalment. A net below zero is a collection request (扣回, "D").
Account numbers are decrypted only while the file is written, and only into the file.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import connection

from minzheng.core.crypto import NONCE_BYTES, Algorithm, keyring
from minzheng.core.errors import ValidationFailed
from minzheng.payments.models import BankFile, BankTemplate

NET = """
    SUM(CASE WHEN l.kind IN ('benefit', 'price_subsidy', 'temporary') THEN l.amount_fen
             WHEN l.kind = 'recovery' THEN -l.amount_fen ELSE 0 END)
"""

PAYEE_LINES_SQL = f"""
INSERT INTO payments_bankfileline
    (bank_file_id, seq, reference, payee_id, temporary_case_id, account_id, amount_fen)
SELECT %(bf)s, n.seq, %(prefix)s || CAST(n.seq AS TEXT), n.payee_id, NULL, ba.id, n.amount
FROM (SELECT ROW_NUMBER() OVER (ORDER BY t.payee_id) AS seq, t.payee_id, t.amount
      FROM (SELECT l.payee_id AS payee_id, {NET} AS amount
            FROM payments_paymentline l
            WHERE l.roll_id = %(roll)s AND l.source = 'e'
            GROUP BY l.payee_id) t
      WHERE t.amount <> 0) n
LEFT JOIN payments_bankaccount ba ON ba.person_id = n.payee_id AND ba.active = %(true)s
"""

CASE_LINES_SQL = """
INSERT INTO payments_bankfileline
    (bank_file_id, seq, reference, payee_id, temporary_case_id, account_id, amount_fen)
SELECT %(bf)s, %(offset)s + ROW_NUMBER() OVER (ORDER BY c.id),
       %(prefix)s || CAST(%(offset)s + ROW_NUMBER() OVER (ORDER BY c.id) AS TEXT),
       c.person_id, c.id, c.account_id, l.amount_fen
FROM payments_paymentline l JOIN payments_temporarycase c ON c.id = l.source_id
WHERE l.roll_id = %(roll)s AND l.source = 't'
"""

ROWS_SQL = """
SELECT bl.seq, bl.reference, bl.amount_fen, ba.number_cipher, ba.holder_name, ba.bank_name
FROM payments_bankfileline bl LEFT JOIN payments_bankaccount ba ON ba.id = bl.account_id
WHERE bl.bank_file_id = %s AND bl.account_id IS NOT NULL
ORDER BY bl.seq
"""

FIELDS = ("reference", "account", "holder_name", "bank_name", "amount_yuan", "amount_fen")
FIELDS_MORE = ("direction", "memo", "seq")


def bank_file_dir() -> Path:
    return Path(settings.VAR_DIR) / "bankfiles"


def insert_lines(bank_file: BankFile) -> tuple[int, int]:
    """Write the file's transfer lines from its roll; returns (count, signed total in fen)."""
    assert bank_file.roll_id is not None
    args: dict[str, Any] = {
        "bf": bank_file.pk,
        "roll": bank_file.roll_id,
        "prefix": f"B{bank_file.pk}-",
        "true": True,
    }
    with connection.cursor() as cursor:
        cursor.execute(PAYEE_LINES_SQL, args)
        cursor.execute(
            "SELECT COUNT(*) FROM payments_bankfileline WHERE bank_file_id = %s", [bank_file.pk]
        )
        (offset,) = cursor.fetchone() or (0,)
        cursor.execute(CASE_LINES_SQL, {**args, "offset": offset})
        cursor.execute(
            "SELECT COUNT(*), COALESCE(SUM(amount_fen), 0) FROM payments_bankfileline"
            " WHERE bank_file_id = %s",
            [bank_file.pk],
        )
        count, total = cursor.fetchone() or (0, 0)
    return int(count), int(total)


def _yuan_text(fen: int) -> str:
    # Integer arithmetic: exact, and ten times faster than Decimal over a million lines.
    return f"{fen // 100}.{fen % 100:02d}"


_VALUES: dict[str, Callable[[dict[str, Any]], str]] = {
    "amount_yuan": lambda row: _yuan_text(abs(int(row["amount_fen"]))),
    "amount_fen": lambda row: str(abs(int(row["amount_fen"]))),
    "direction": lambda row: "C" if int(row["amount_fen"]) > 0 else "D",  # C 付款, D 扣回
    "memo": lambda row: "救助金" if int(row["amount_fen"]) > 0 else "多发追回",
}


def _csv_cell(value: str) -> str:
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def line_renderer(template: BankTemplate) -> Callable[[dict[str, Any]], str]:
    """The template compiled once into a function from a row to one line of the file."""
    getters = [
        _VALUES.get(spec["field"], lambda row, name=spec["field"]: str(row[name]))
        for spec in template.fields
    ]
    if template.format == BankTemplate.Format.CSV:
        return lambda row: ",".join(_csv_cell(get(row)) for get in getters)
    specs = list(zip(template.fields, getters, strict=True))
    encoding = template.encoding

    def fixed(row: dict[str, Any]) -> str:
        parts = []
        for spec, get in specs:
            value = get(row)
            width = int(spec["width"])
            encoded_len = len(value.encode(encoding))
            if encoded_len > width:
                raise ValidationFailed(
                    f"字段 {spec['field']} 超出定长 {width}：{row['reference']}",
                    code="field_too_long",
                )
            # Width counts bytes in the bank's encoding (a Chinese character is 2 in GB18030).
            filler = str(spec.get("pad", " ")) * (width - encoded_len)
            parts.append(filler + value if spec.get("align") == "right" else value + filler)
        return "".join(parts)

    return fixed


def render_line(template: BankTemplate, row: dict[str, Any]) -> str:
    return line_renderer(template)(row)


def header(template: BankTemplate) -> str | None:
    if template.format != BankTemplate.Format.CSV:
        return None
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(
        [spec.get("title", spec["field"]) for spec in template.fields]
    )
    return out.getvalue()


def _decryptor() -> Callable[[str], str]:
    """keyring().decrypt, with one AES-GCM context per key instead of one per value: a bank file
    decrypts a million account numbers."""
    ring = keyring()
    contexts: dict[str, AESGCM] = {}

    def decrypt(token: str) -> str:
        key_id, _, payload = token.partition(":")
        key = ring.keys.get(key_id)
        if key is None or key.algorithm is not Algorithm.AES_GCM:
            return ring.decrypt(token)
        context = contexts.get(key_id)
        if context is None:
            context = contexts[key_id] = AESGCM(key.secret)
        raw = base64.b64decode(payload)
        return context.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], key_id.encode()).decode()

    return decrypt


def _rows(bank_file: BankFile) -> Iterator[dict[str, Any]]:
    decrypt = _decryptor()
    with connection.cursor() as cursor:
        cursor.execute(ROWS_SQL, [bank_file.pk])
        while batch := cursor.fetchmany(10_000):
            for seq, reference, amount_fen, cipher, holder, bank in batch:
                yield {
                    "seq": seq,
                    "reference": reference,
                    "amount_fen": amount_fen,
                    "account": decrypt(cipher),
                    "holder_name": holder,
                    "bank_name": bank,
                }


def write_file(bank_file: BankFile, template: BankTemplate) -> Path:
    path = Path(bank_file.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    with tmp.open("w", encoding=template.encoding, newline="\r\n") as out:
        head = header(template)
        if head is not None:
            out.write(head + "\n")
        render = line_renderer(template)
        for row in _rows(bank_file):
            out.write(render(row) + "\n")
    tmp.chmod(0o600)
    tmp.replace(path)
    return path


@dataclass
class ReturnRow:
    row: int
    reference: str
    status: str  # "paid" or "failed"
    reason_code: str
    reason: str


@dataclass
class ParsedReturn:
    rows: list[ReturnRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


REASONS = {
    "wrong_account": "账号错误",
    "closed_account": "账户已销户",
    "name_mismatch": "户名不符",
    "no_account": "未登记银行账户",
}


def parse_return(template: BankTemplate, text: str) -> ParsedReturn:
    """A return file: CSV `reference,code[,message]`; a header row is skipped. Bad rows are
    reported with their row number and reason; good rows are kept."""
    parsed = ParsedReturn()
    for number, cells in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        if not cells or not "".join(cells).strip():
            continue
        if number == 1 and cells[0].strip() in ("流水号", "reference"):
            continue
        if len(cells) < 2:
            parsed.errors.append((number, "应至少有流水号和结果代码两列"))
            continue
        reference, code = cells[0].strip(), cells[1].strip()
        meaning = template.return_codes.get(code)
        if meaning is None:
            parsed.errors.append((number, f"未知的结果代码 {code}"))
            continue
        message = cells[2].strip() if len(cells) > 2 else ""
        if meaning == "paid":
            parsed.rows.append(ReturnRow(number, reference, "paid", "", message))
        else:
            reason = message or REASONS.get(meaning, meaning)
            parsed.rows.append(ReturnRow(number, reference, "failed", meaning, reason))
    return parsed


def read_bytes(bank_file: BankFile) -> bytes:
    path = Path(bank_file.path)
    if not path.is_file():
        raise ValidationFailed("银行文件不存在，请重新生成", code="bank_file_missing")
    return path.read_bytes()


def decode_return(template: BankTemplate, data: bytes) -> str:
    """A return file as text: UTF-8 (with or without BOM), else the template's encoding."""
    for encoding in ("utf-8-sig", template.encoding):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise ValidationFailed(
        f"回盘文件编码无法识别（应为UTF-8或{template.encoding}）", code="bad_encoding"
    )


KNOWN_FIELDS = FIELDS + FIELDS_MORE
ALIGNS = ("left", "right")


def validate_fields(text: str, *, format: str, encoding: str) -> list[dict[str, Any]]:
    """A template's field list from its JSON, or a Chinese message naming the first problem."""

    def bad(message: str) -> ValidationFailed:
        return ValidationFailed(f"字段配置有误：{message}", code="invalid_template")

    if format not in BankTemplate.Format.values:
        raise bad(f"文件格式应为 {'、'.join(BankTemplate.Format.values)}")
    try:
        "".encode(encoding)
    except LookupError as exc:
        raise bad(f"不支持的编码 {encoding}") from exc
    try:
        fields = json.loads(text)
    except json.JSONDecodeError as exc:
        raise bad(f"不是有效的JSON（第{exc.lineno}行第{exc.colno}列）") from exc
    if not isinstance(fields, list) or not fields:
        raise bad('应为非空的数组，如 [{"field": "account", "title": "账号"}]')
    for number, spec in enumerate(fields, start=1):
        if not isinstance(spec, dict) or "field" not in spec:
            raise bad(f"第{number}项应为含 field 的对象")
        if spec["field"] not in KNOWN_FIELDS:
            raise bad(f"第{number}项的字段 {spec['field']} 不存在，可用：{'、'.join(KNOWN_FIELDS)}")
        if format == BankTemplate.Format.FIXED:
            width = spec.get("width")
            if not isinstance(width, int) or isinstance(width, bool) or not 0 < width <= 200:
                raise bad(f"第{number}项（{spec['field']}）定长格式须有1至200的整数宽度 width")
        if spec.get("align", "left") not in ALIGNS:
            raise bad(f"第{number}项的对齐方式 align 应为 left 或 right")
        if "pad" in spec and (not isinstance(spec["pad"], str) or len(spec["pad"]) != 1):
            raise bad(f"第{number}项的填充字符 pad 应为一个字符")
    return fields


def validate_return_codes(text: str) -> dict[str, str]:
    """The bank's result codes: {"0000": "paid", "E101": "wrong_account", …}."""
    try:
        codes = json.loads(text or "{}")
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            f"回盘结果代码不是有效的JSON（第{exc.lineno}行第{exc.colno}列）",
            code="invalid_template",
        ) from exc
    if not isinstance(codes, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in codes.items()
    ):
        raise ValidationFailed(
            '回盘结果代码应为对象，如 {"0000": "paid", "E101": "wrong_account"}',
            code="invalid_template",
        )
    return codes
