"""The eleven departmental feed formats, and the parser that checks every row of a delivered file.

Pure: bytes in, good rows and bad rows out; no ORM, no clock (the caller passes `today`). A file is
UTF-8 CSV with a header (a byte-order mark and GB18030 are accepted too) or Parquet with the same
columns. Dates are `YYYY-MM-DD`, months `YYYY-MM`, amounts 元 with at most two decimals.

Each source's columns land in one normalised shape (`FeedRow`): `kind`, `day`, `end_day`,
`amount`, `amount2` and `ref`, so that verification and monitoring read all sources with the same
SQL. The mapping is the `FeedSpec` below; docs/verification.md lists it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache

from minzheng.core import idnumber
from minzheng.core.errors import ValidationFailed
from minzheng.core.uploads import decode_text


class ColumnType(StrEnum):
    ID = "id"
    DATE = "date"
    MONTH = "month"
    YEAR = "year"
    AMOUNT = "amount"
    TEXT = "text"
    CHOICE = "choice"
    GRADE = "grade"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: ColumnType
    required: bool = True
    choices: Mapping[str, str] = field(default_factory=dict)  # code → Chinese label


@dataclass(frozen=True, slots=True)
class FeedSpec:
    source: str
    label: str  # the department, in Chinese
    columns: tuple[Column, ...]
    kind: str = ""  # which column fills FeedRow.kind …
    day: str = ""
    end_day: str = ""
    amount: str = ""
    amount2: str = ""
    ref: str = ""
    fixed_kind: str = ""  # a source with one kind of row (funeral: always a death)

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


T = ColumnType
POLICE_EVENTS = {
    "death": "死亡",
    "imprisonment": "服刑",
    "hukou_out": "户口迁出",
    "hukou_in": "户口迁入",
}
HRSS_KINDS = {"wage": "工资", "pension": "养老金", "unemployment": "失业保险金"}
ESTATE_USES = {"residential": "住宅", "commercial": "商业", "office": "办公", "industrial": "工业"}
VEHICLE_KINDS = {
    "car": "小型汽车",
    "truck": "货车",
    "motorcycle": "摩托车",
    "disability_vehicle": "残疾人专用车",
    "tricycle": "三轮车",
}
MARKET_ROLES = {
    "legal_representative": "法定代表人",
    "shareholder": "股东",
    "sole_proprietor": "个体工商户经营者",
    "partner": "合伙人",
}
MARKET_STATUSES = {"active": "存续", "cancelled": "注销", "revoked": "吊销"}
VISIT_KINDS = {
    "outpatient": "门诊",
    "inpatient": "住院",
    "chronic": "门诊慢特病",
    "pharmacy": "药店购药",
}
DISABILITY_CATEGORIES = {
    "visual": "视力残疾",
    "hearing": "听力残疾",
    "speech": "言语残疾",
    "physical": "肢体残疾",
    "intellectual": "智力残疾",
    "mental": "精神残疾",
    "multiple": "多重残疾",
}

_ID = Column("id_number", T.ID)

FEEDS: dict[str, FeedSpec] = {
    spec.source: spec
    for spec in (
        FeedSpec(
            "police",
            "公安（户籍）",
            (_ID, Column("event", T.CHOICE, choices=POLICE_EVENTS), Column("event_date", T.DATE)),
            kind="event",
            day="event_date",
        ),
        FeedSpec(
            "hrss",
            "人力社保",
            (
                _ID,
                Column("month", T.MONTH),
                Column("kind", T.CHOICE, choices=HRSS_KINDS),
                Column("amount", T.AMOUNT),
            ),
            kind="kind",
            day="month",
            amount="amount",
        ),
        FeedSpec(
            "tax",
            "税务",
            (_ID, Column("year", T.YEAR), Column("income", T.AMOUNT)),
            day="year",
            amount="income",
            fixed_kind="income",
        ),
        FeedSpec(
            "estate",
            "不动产登记",
            (
                _ID,
                Column("property_id", T.TEXT),
                Column("use", T.CHOICE, choices=ESTATE_USES),
                Column("area_m2", T.AMOUNT),
                Column("acquired_on", T.DATE),
                Column("disposed_on", T.DATE, required=False),
            ),
            kind="use",
            day="acquired_on",
            end_day="disposed_on",
            amount="area_m2",
            ref="property_id",
        ),
        FeedSpec(
            "vehicle",
            "公安车管",
            (
                _ID,
                Column("plate", T.TEXT),
                Column("kind", T.CHOICE, choices=VEHICLE_KINDS),
                Column("registered_on", T.DATE),
                Column("deregistered_on", T.DATE, required=False),
            ),
            kind="kind",
            day="registered_on",
            end_day="deregistered_on",
            ref="plate",
        ),
        FeedSpec(
            "market",
            "市场监管",
            (
                _ID,
                Column("credit_code", T.TEXT),
                Column("role", T.CHOICE, choices=MARKET_ROLES),
                Column("registered_capital", T.AMOUNT),
                Column("status", T.CHOICE, choices=MARKET_STATUSES),
                Column("from_date", T.DATE),
                Column("to_date", T.DATE, required=False),
            ),
            kind="status",
            day="from_date",
            end_day="to_date",
            amount="registered_capital",
            ref="credit_code",
        ),
        FeedSpec(
            "housing_fund",
            "住房公积金",
            (
                _ID,
                Column("month", T.MONTH),
                Column("deposit", T.AMOUNT),
                Column("balance", T.AMOUNT),
            ),
            day="month",
            amount="deposit",
            amount2="balance",
            fixed_kind="deposit",
        ),
        FeedSpec(
            "bank",
            "银行、证券",
            (
                _ID,
                Column("as_of", T.DATE),
                Column("deposits", T.AMOUNT),
                Column("securities", T.AMOUNT),
            ),
            day="as_of",
            amount="deposits",
            amount2="securities",
            fixed_kind="balance",
        ),
        FeedSpec(
            "medical",
            "医疗保障",
            (
                _ID,
                Column("settled_on", T.DATE),
                Column("visit_kind", T.CHOICE, choices=VISIT_KINDS),
                Column("total_cost", T.AMOUNT),
                Column("insurance_paid", T.AMOUNT),
                Column("critical_illness_paid", T.AMOUNT),
                Column("assistance_paid", T.AMOUNT),
                Column("self_paid", T.AMOUNT),
            ),
            kind="visit_kind",
            day="settled_on",
            amount="self_paid",
            amount2="total_cost",
        ),
        FeedSpec(
            "disability",
            "残联",
            (
                _ID,
                Column("category", T.CHOICE, choices=DISABILITY_CATEGORIES),
                Column("grade", T.GRADE),
                Column("issued_on", T.DATE),
                Column("valid_to", T.DATE, required=False),
            ),
            kind="category",
            day="issued_on",
            end_day="valid_to",
            amount="grade",
        ),
        FeedSpec(
            "funeral",
            "殡葬",
            (_ID, Column("death_date", T.DATE), Column("cremated_on", T.DATE, required=False)),
            day="death_date",
            end_day="cremated_on",
            fixed_kind="death",
        ),
    )
}

SOURCE_LABELS = {source: spec.label for source, spec in FEEDS.items()}
KIND_LABELS: dict[str, str] = {
    **POLICE_EVENTS,
    **HRSS_KINDS,
    **ESTATE_USES,
    **VEHICLE_KINDS,
    **MARKET_STATUSES,
    **VISIT_KINDS,
    **DISABILITY_CATEGORIES,
    "income": "年度收入",
    "deposit": "公积金缴存",
    "balance": "存款与证券",
}
# End and start must be in order for these pairs (column that may not precede the other).
_ORDERED = {
    "disposed_on": "acquired_on",
    "deregistered_on": "registered_on",
    "to_date": "from_date",
    "valid_to": "issued_on",
    "cremated_on": "death_date",
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")
_AMOUNT = re.compile(r"^\d{1,12}(\.\d{1,2})?$")
_REF = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff·\-（）()/]{1,40}$")
PARQUET_MAGIC = b"PAR1"


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # 1-based data row (the header is row 0)
    column: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class FeedRow:
    row: int
    id_number: str  # normalised 18 digits
    kind: str
    day: date | None
    end_day: date | None
    amount: Decimal | None
    amount2: Decimal | None
    ref: str
    data: dict[str, str]  # every column but the ID number, as delivered (normalised)
    key: str  # the row's identity: a re-delivered row has the same key


@dataclass
class ParsedFeed:
    source: str
    total: int = 0
    rows: list[FeedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    duplicates: int = 0


def spec_for(source: str) -> FeedSpec:
    try:
        return FEEDS[source]
    except KeyError:
        known = "、".join(FEEDS)
        raise ValidationFailed(
            f"未知的数据来源：{source}（可选：{known}）", code="unknown_source"
        ) from None


def csv_rows(data: bytes) -> tuple[list[str], Iterator[list[str]]]:
    """A CSV file's header and its remaining rows (UTF-8, UTF-8-BOM or GB18030, detected)."""
    text = decode_text(data)
    if text is None:  # pragma: no cover - gb18030 decodes any byte string
        raise ValidationFailed("文件编码无法识别，请使用 UTF-8 或 GB18030", code="bad_encoding")
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ValidationFailed("文件为空，缺少表头", code="empty_file") from None
    return header, reader


def read_table(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the rows of a CSV (UTF-8, UTF-8-BOM, GB18030) or Parquet file, as text."""
    if data[:4] == PARQUET_MAGIC:
        return _read_parquet(data)
    header, reader = csv_rows(data)
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        rows.append(
            {name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header)}
            | ({"\0extra": "1"} if len(values) > len(header) else {})
        )
    return header, rows


def _read_parquet(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise ValidationFailed(f"Parquet 文件无法读取：{exc}", code="bad_parquet") from None
    header = list(table.column_names)
    rows = [{k: "" if v is None else _text(v) for k, v in row.items()} for row in table.to_pylist()]
    return header, rows


def _text(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse_feed(source: str, data: bytes, *, today: date) -> ParsedFeed:
    """Check every row; good rows are kept, each bad one is reported once per bad column."""
    spec = spec_for(source)
    header, records = read_table(data)
    missing = [c for c in spec.header if c not in header]
    if missing:
        raise ValidationFailed(
            f"{spec.label}数据缺少列：{'、'.join(missing)}（应为 {','.join(spec.header)}）",
            code="missing_columns",
        )
    result = ParsedFeed(source)
    seen: set[str] = set()
    for number, record in enumerate(records, start=1):
        result.total += 1
        row, errors = _parse_row(spec, number, record, today)
        if errors:
            result.errors.extend(errors)
        elif row is not None:
            if row.key in seen:
                result.duplicates += 1
            else:
                seen.add(row.key)
                result.rows.append(row)
    return result


def _parse_row(
    spec: FeedSpec, number: int, record: Mapping[str, str], today: date
) -> tuple[FeedRow | None, list[RowError]]:
    errors: list[RowError] = []
    if "\0extra" in record:
        errors.append(RowError(number, "", "该行的列数多于表头"))
    values: dict[str, object] = {}
    for column in spec.columns:
        raw = record.get(column.name, "")
        if raw == "":
            if column.required:
                errors.append(RowError(number, column.name, "不能为空"))
            values[column.name] = None
            continue
        value, reason = _parse_value(column, raw, today)
        if reason:
            errors.append(RowError(number, column.name, reason))
        values[column.name] = value
    for later, earlier in _ORDERED.items():
        a, b = values.get(later), values.get(earlier)
        if isinstance(a, date) and isinstance(b, date) and a < b:
            errors.append(RowError(number, later, f"不能早于 {earlier}（{b.isoformat()}）"))
    if spec.source == "medical" and not errors:
        total, self_paid = values["total_cost"], values["self_paid"]
        assert isinstance(total, Decimal) and isinstance(self_paid, Decimal)
        paid = self_paid
        for part_name in ("insurance_paid", "critical_illness_paid", "assistance_paid"):
            part = values[part_name]
            assert isinstance(part, Decimal)
            paid += part
        if paid != total:
            errors.append(
                RowError(number, "self_paid", f"各项支付合计{paid}元不等于总费用{total}元")
            )
    if errors:
        return None, errors
    return _row(spec, number, values), []


@lru_cache(maxsize=1 << 18)
def _parse_id(raw: str, today: date) -> idnumber.IdNumberCheck:
    """The ID check, remembered: a person has many rows (twelve months of bills)."""
    return idnumber.parse(raw, today=today)


def _parse_value(column: Column, raw: str, today: date) -> tuple[object, str]:
    match column.type:
        case ColumnType.ID:
            check = _parse_id(raw, today)
            if not check.valid:
                assert check.error is not None
                return None, check.error.message
            return check.normalized, ""
        case ColumnType.DATE:
            if not _DATE.match(raw):
                return None, f"日期格式应为YYYY-MM-DD：{raw}"
            try:
                day = date.fromisoformat(raw)
            except ValueError:
                return None, f"日期不存在：{raw}"
            if day > today:
                return None, f"日期晚于今天：{raw}"
            return day, ""
        case ColumnType.MONTH:
            if not _MONTH.match(raw) or not 1 <= int(raw[5:]) <= 12:
                return None, f"月份格式应为YYYY-MM：{raw}"
            day = date(int(raw[:4]), int(raw[5:]), 1)
            if day > today:
                return None, f"月份晚于本月：{raw}"
            return day, ""
        case ColumnType.YEAR:
            if not _YEAR.match(raw) or not 1950 <= int(raw) <= today.year:
                return None, f"年度应为四位年份且不晚于今年：{raw}"
            return date(int(raw), 1, 1), ""
        case ColumnType.AMOUNT:
            if not _AMOUNT.match(raw):
                return None, f"金额应为非负数，最多两位小数（元）：{raw}"
            try:
                return Decimal(raw), ""
            except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                return None, f"金额无法识别：{raw}"
        case ColumnType.GRADE:
            if raw not in {"1", "2", "3", "4"}:
                return None, f"残疾等级应为1至4：{raw}"
            return Decimal(raw), ""
        case ColumnType.CHOICE:
            if raw not in column.choices:
                allowed = "、".join(f"{k}（{v}）" for k, v in column.choices.items())
                return None, f"取值{raw}无效，应为：{allowed}"
            return raw, ""
        case ColumnType.TEXT:
            if not _REF.match(raw):
                return None, f"编号格式有误：{raw}"
            return raw, ""
    raise AssertionError(column.type)  # pragma: no cover


def _row(spec: FeedSpec, number: int, values: Mapping[str, object]) -> FeedRow:
    def pick(name: str) -> object:
        return values.get(name) if name else None

    id_number = str(values["id_number"])
    data = {k: _text(v) for k, v in values.items() if k != "id_number" and v is not None}
    kind = spec.fixed_kind or str(pick(spec.kind))
    amount, amount2 = pick(spec.amount), pick(spec.amount2)
    day, end_day = pick(spec.day), pick(spec.end_day)
    identity = "|".join([spec.source, id_number, *(data.get(c, "") for c in spec.header[1:])])
    return FeedRow(
        row=number,
        id_number=id_number,
        kind=kind,
        day=day if isinstance(day, date) else None,
        end_day=end_day if isinstance(end_day, date) else None,
        amount=amount if isinstance(amount, Decimal) else None,
        amount2=amount2 if isinstance(amount2, Decimal) else None,
        ref=str(pick(spec.ref) or ""),
        data=data,
        key=hashlib.sha256(identity.encode()).hexdigest()[:40],
    )


def to_csv(source: str, rows: Iterable[Mapping[str, object]], *, encoding: str = "utf-8") -> bytes:
    """Write rows in a source's format (the synthetic emitter and tests use it)."""
    spec = spec_for(source)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(spec.header)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else _text(row.get(c)) for c in spec.header])
    return buffer.getvalue().encode(encoding)
