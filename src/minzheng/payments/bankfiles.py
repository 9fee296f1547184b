"""Bank files out (CSV or fixed width, per template) and return files in.

Lines are built set-based in SQL: one transfer per payee and roll, the net of the payee's payouts
minus this month's recovery instalment. A net below zero is a collection request (扣回, "D").
Account numbers are decrypted only while the file is written, and only into the file.
"""

from __future__ import annotations

import binascii
import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import connection

from minzheng.core.cells import neutralise
from minzheng.core.crypto import NONCE_BYTES, Algorithm, keyring
from minzheng.core.errors import ValidationFailed
from minzheng.payments.models import BankFile, BankFileLine, BankTemplate, PaymentLine
from minzheng.payments.providers import Provider, payee_for, providers_of

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
SELECT bl.seq, bl.reference, bl.amount_fen, ba.number_cipher, ba.holder_name, ba.bank_name,
       bl.provider_id
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
            "SELECT COUNT(*) FROM payments_bankfileline WHERE bank_file_id = %s", [bank_file.pk]
        )
        (offset,) = cursor.fetchone() or (0,)
        _insert_provider_lines(bank_file, int(offset))
        cursor.execute(
            "SELECT COUNT(*), COALESCE(SUM(amount_fen), 0) FROM payments_bankfileline"
            " WHERE bank_file_id = %s",
            [bank_file.pk],
        )
        count, total = cursor.fetchone() or (0, 0)
    return int(count), int(total)


def _insert_provider_lines(bank_file: BankFile, offset: int) -> None:
    """One transfer per organisation the roll owes (its payables), to the account registered for
    it — or none yet: then the transfer fails at once, like a person's without an account."""
    payables = list(
        PaymentLine.objects.filter(roll=bank_file.roll, credit="payable")
        .order_by("id")
        .values_list("source", "source_id", "amount_fen")
    )
    providers = providers_of((source, source_id) for source, source_id, _ in payables)
    owed: dict[Provider, int] = {}
    for source, source_id, fen in payables:
        provider = providers.get((source, source_id))
        if provider is not None:
            owed[provider] = owed.get(provider, 0) + fen
    lines = []
    for seq, (provider, fen) in enumerate(owed.items(), start=offset + 1):
        payee = payee_for(provider)
        lines.append(
            BankFileLine(
                bank_file=bank_file,
                seq=seq,
                reference=f"B{bank_file.pk}-{seq}",
                provider=payee,
                account_id=payee.account_id,
                amount_fen=fen,
            )
        )
    BankFileLine.objects.bulk_create(lines)


def _yuan_text(fen: int) -> str:
    # Integer arithmetic: exact, and ten times faster than Decimal over a million lines.
    return f"{fen // 100}.{fen % 100:02d}"


# Every value a template can use, in this order; a template picks its columns from this tuple.
ALL_FIELDS = (*FIELDS, *FIELDS_MORE)
# Values that are ASCII by construction: their width in bytes is their length in characters.
ASCII_FIELDS = frozenset({"reference", "account", "amount_yuan", "amount_fen", "direction", "seq"})
type Row = tuple[int, str, int, str, str, str, int | None]  # ROWS_SQL: seq, reference, fen, …
type Values = tuple[str, ...]


def _values(rows: Iterable[Row]) -> Iterator[Values]:
    """Each transfer's values for every field of ALL_FIELDS, computed once."""
    for seq, reference, fen, account, holder, bank, provider in rows:
        size = fen if fen >= 0 else -fen
        payout = fen > 0
        memo = "机构结算款" if provider is not None else "救助金" if payout else "多发追回"
        yield (
            reference,
            account,
            holder,
            bank,
            f"{size // 100}.{size % 100:02d}",
            str(size),
            "C" if payout else "D",  # C 付款, D 扣回
            memo,
            str(seq),
        )


def _picker(template: BankTemplate) -> Callable[[Values], Values]:
    indices = [ALL_FIELDS.index(spec["field"]) for spec in template.fields]
    if len(indices) == 1:
        only = indices[0]
        return lambda values: (values[only],)
    return itemgetter(*indices)


def _csv_picker(template: BankTemplate) -> Callable[[Values], Values]:
    """The CSV columns, with free text (holder name, bank name) neutralised against formulas:
    a name starting with `=HYPERLINK(` must not become a live formula when the bank's clerk
    opens the file in a spreadsheet. ASCII fields are built by us (digits, codes) and stay."""
    pick = _picker(template)
    text_columns = [
        i for i, spec in enumerate(template.fields) if spec["field"] not in ASCII_FIELDS
    ]
    if not text_columns:
        return pick

    def picked(values: Values) -> Values:
        cells = list(pick(values))
        for i in text_columns:
            cells[i] = str(neutralise(cells[i]))
        return tuple(cells)

    return picked


def fixed_renderer(template: BankTemplate) -> Callable[[Values], str]:
    """One fixed-width line from a row's values. Width counts bytes in the bank's encoding (a
    Chinese character is 2 in GB18030); only fields that may hold non-ASCII are encoded."""
    pick = _picker(template)
    encoding = template.encoding
    specs = [
        (
            spec["field"],
            int(spec["width"]),
            str(spec.get("pad", " ")),
            spec.get("align") == "right",
            spec["field"] in ASCII_FIELDS,
        )
        for spec in template.fields
    ]

    def render(values: Values) -> str:
        parts = []
        for (name, width, pad, right, ascii_only), value in zip(specs, pick(values), strict=True):
            size = len(value) if ascii_only else len(value.encode(encoding))
            if size > width:
                raise ValidationFailed(
                    f"字段 {name} 超出定长 {width}：{values[0]}", code="field_too_long"
                )
            filler = pad * (width - size)
            parts.append(filler + value if right else value + filler)
        return "".join(parts)

    return render


def render_line(template: BankTemplate, row: dict[str, Any]) -> str:
    """One line of the file for one transfer given as a dict (ROWS_SQL's names)."""
    values = next(
        _values(
            [
                (
                    int(row.get("seq", 0)),
                    str(row["reference"]),
                    int(row["amount_fen"]),
                    str(row.get("account", "")),
                    str(row.get("holder_name", "")),
                    str(row.get("bank_name", "")),
                    row.get("provider_id"),
                )
            ]
        )
    )
    if template.format == BankTemplate.Format.CSV:
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(_csv_picker(template)(values))
        return out.getvalue()
    return fixed_renderer(template)(values)


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
    contexts: dict[str, tuple[AESGCM, bytes]] = {}

    def decrypt(token: str) -> str:
        key_id, _, payload = token.partition(":")
        context = contexts.get(key_id)
        if context is None:
            key = ring.keys.get(key_id)
            if key is None or key.algorithm is not Algorithm.AES_GCM:
                return ring.decrypt(token)
            context = contexts[key_id] = (AESGCM(key.secret), key_id.encode())
        raw = binascii.a2b_base64(payload)
        return context[0].decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context[1]).decode()

    return decrypt


def _rows(bank_file: BankFile) -> Iterator[Row]:
    """The file's transfers in order, streamed: a server-side cursor on PostgreSQL, batches on
    SQLite; only the account column is touched in Python."""
    decrypt = _decryptor()
    with connection.chunked_cursor() as cursor:
        cursor.execute(ROWS_SQL, [bank_file.pk])
        while batch := cursor.fetchmany(20_000):
            for seq, reference, fen, cipher, holder, bank, provider in batch:
                yield seq, reference, fen, decrypt(cipher), holder, bank, provider


def write_file(bank_file: BankFile, template: BankTemplate) -> Path:
    path = Path(bank_file.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    values = _values(_rows(bank_file))
    with tmp.open("w", encoding=template.encoding, newline="", buffering=1 << 20) as out:
        if template.format == BankTemplate.Format.CSV:
            # The csv module quotes in C, a whole batch per call.
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow([spec.get("title", spec["field"]) for spec in template.fields])
            writer.writerows(map(_csv_picker(template), values))
        else:
            render = fixed_renderer(template)
            for batch in _batches(values, 10_000):
                out.write("\r\n".join(map(render, batch)) + "\r\n")
    tmp.chmod(0o600)
    tmp.replace(path)
    return path


def _batches(values: Iterator[Values], size: int) -> Iterator[list[Values]]:
    while batch := list(islice(values, size)):
        yield batch


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


KNOWN_FIELDS = ALL_FIELDS
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
