"""Reconcile a hospital's own settlement file (CSV) against our settlements: an exception list.

The file has a header row with at least `claim_id` and `assistance_amount` (optional columns are
ignored); UTF-8, UTF-8 with BOM and GB18030/GBK are read. `reconcile` only reads; the action
`do_reconcile` stores the batch with every row and exception (`Reconciliation`, `ReconciliationLine`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from minzheng.core.errors import ValidationFailed
from minzheng.core.money import FEN
from minzheng.core.uploads import decode_text
from minzheng.medical.models import Hospital, Settlement

REQUIRED = ("claim_id", "assistance_amount")
HEADER_ALIASES = {
    "结算号": "claim_id",
    "就诊结算号": "claim_id",
    "医疗救助金额": "assistance_amount",
}

EXCEPTION_LABELS: dict[str, str] = {
    "missing_here": "我方无此结算",
    "reversed_here": "我方已冲销",
    "missing_there": "医院文件缺少",
    "amount_mismatch": "救助金额不一致",
    "duplicate_row": "文件内结算号重复",
    "bad_row": "行格式错误",
}
# What a stored line's outcome shows as: one of the exceptions, or 一致.
OUTCOME_LABELS: dict[str, str] = {"matched": "一致", **EXCEPTION_LABELS}


@dataclass(frozen=True, slots=True)
class Exception_:
    kind: str
    claim_id: str
    row: int | None  # file row (header = 1), None for our side
    ours: Decimal | None
    theirs: Decimal | None
    reason: str

    @property
    def label(self) -> str:
        return EXCEPTION_LABELS[self.kind]


@dataclass(frozen=True, slots=True)
class Match:
    claim_id: str
    row: int
    amount: Decimal


@dataclass
class Result:
    rows: int = 0
    matched: int = 0
    exceptions: list[Exception_] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)


def decode(data: bytes) -> str:
    text = decode_text(data)
    if text is None:
        raise ValidationFailed("文件编码无法识别，请使用 UTF-8 或 GBK 编码的 CSV", code="encoding")
    return text


def reconcile(hospital: Hospital, data: bytes, date_from: date, date_to: date) -> Result:
    if date_to < date_from:
        raise ValidationFailed("结束日期不能早于开始日期", code="date_range")
    reader = csv.reader(io.StringIO(decode(data)))
    header = [HEADER_ALIASES.get(h.strip(), h.strip()) for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValidationFailed(
            f"文件缺少列：{'、'.join(missing)}（首行须为列名，至少含 claim_id、assistance_amount）",
            code="columns",
        )
    at = {name: header.index(name) for name in REQUIRED}
    result = Result()
    theirs: dict[str, tuple[int, Decimal]] = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        result.rows += 1
        claim_id = row[at["claim_id"]].strip() if len(row) > at["claim_id"] else ""
        raw = row[at["assistance_amount"]].strip() if len(row) > at["assistance_amount"] else ""
        if not claim_id:
            result.exceptions.append(Exception_("bad_row", "", number, None, None, "结算号列为空"))
            continue
        try:
            amount = Decimal(raw)
            if not amount.is_finite() or amount != amount.quantize(FEN):
                raise InvalidOperation
        except InvalidOperation:
            result.exceptions.append(
                Exception_(
                    "bad_row", claim_id, number, None, None, f"医疗救助金额列不是金额：{raw}"
                )
            )
            continue
        if claim_id in theirs:
            result.exceptions.append(
                Exception_(
                    "duplicate_row",
                    claim_id,
                    number,
                    None,
                    amount,
                    f"与第 {theirs[claim_id][0]} 行重复",
                )
            )
            continue
        theirs[claim_id] = (number, amount)

    ours = {
        s.claim_id: s
        for s in Settlement.objects.filter(
            hospital=hospital, settled_on__gte=date_from, settled_on__lte=date_to
        )
        .order_by("status")  # a live row ("settled") wins over a reversed one of the same claim
        .only("claim_id", "status", "assistance_amount")
    }
    for claim_id, (number, amount) in theirs.items():
        ours_row = ours.get(claim_id)
        if ours_row is None:
            result.exceptions.append(
                Exception_("missing_here", claim_id, number, None, amount, "平台无此结算记录")
            )
        elif ours_row.status == Settlement.Status.REVERSED:
            result.exceptions.append(
                Exception_(
                    "reversed_here",
                    claim_id,
                    number,
                    ours_row.assistance_amount,
                    amount,
                    "平台已冲销该结算",
                )
            )
        elif ours_row.assistance_amount != amount:
            result.exceptions.append(
                Exception_(
                    "amount_mismatch",
                    claim_id,
                    number,
                    ours_row.assistance_amount,
                    amount,
                    f"差额 {amount - ours_row.assistance_amount}",
                )
            )
        else:
            result.matched += 1
            result.matches.append(Match(claim_id, number, amount))
    for claim_id, s in sorted(ours.items()):
        if s.status == Settlement.Status.SETTLED and claim_id not in theirs:
            result.exceptions.append(
                Exception_(
                    "missing_there", claim_id, None, s.assistance_amount, None, "医院文件中没有"
                )
            )
    return result
