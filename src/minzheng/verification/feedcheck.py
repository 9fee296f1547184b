"""Checking a whole feed file set-based in DuckDB, with the row parser's own verdict on every row.

`feeds._parse_row` checks one row at a time in Python; a city's medical feed has tens of millions of
rows. Here a file's columns go into DuckDB as text and one query decides, for every row, whether it
is certainly good: ASCII digits in the shapes `feeds` requires, real dates not after today, codes
from the lists, an ID number `core/idnumber.py` found valid (each distinct number checked once),
end dates not before start dates, the medical payments adding up. Those rows are normalised in the
same query exactly as `feeds._row` does (the data columns, the row key). Every other row — a check
failed, a value outside ASCII where a number or a code is expected, an extra column — goes through
`feeds._parse_row` itself, so the errors reported (row, column, Chinese reason) are the row
parser's own, and no row is kept that the row parser would refuse.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from minzheng.core.errors import ValidationFailed
from minzheng.verification import feeds
from minzheng.verification.feeds import ColumnType, FeedRow, FeedSpec, RowError

ROW = "_feed_row"  # the 1-based data row of each record
EXTRA = "_feed_extra"  # the record had more values than the header (CSV only)
# What str.strip() removes: the same set for CSV (stripped in Python) and Parquet (in Arrow).
WHITESPACE = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
AMOUNT = pa.decimal128(14, 2)
GOOD_SCHEMA = pa.schema(
    [
        ("row", pa.int64()),
        ("id_number", pa.string()),
        ("kind", pa.string()),
        ("day", pa.date32()),
        ("end_day", pa.date32()),
        ("amount", AMOUNT),
        ("amount2", AMOUNT),
        ("ref", pa.string()),
        ("data", pa.string()),  # JSON, as json.dumps(FeedRow.data, ensure_ascii=False)
        ("key", pa.string()),
    ]
)


@dataclass
class CheckedPart:
    """One part of a file: its good rows (GOOD_SCHEMA) and the errors of its bad rows."""

    good: pa.Table
    errors: list[RowError]
    rows: int


def require_columns(spec: FeedSpec, header: list[str]) -> None:
    missing = [c for c in spec.header if c not in header]
    if missing:
        raise ValidationFailed(
            f"{spec.label}数据缺少列：{'、'.join(missing)}（应为 {','.join(spec.header)}）",
            code="missing_columns",
        )


def csv_part(spec: FeedSpec, data: bytes) -> pa.Table:
    """A CSV file's records as text columns, read as `feeds.read_table` reads them."""
    header, reader = feeds.csv_rows(data)
    require_columns(spec, header)
    # A repeated header name: the last one wins, as in the row parser's dict.
    where = {name: i for i, name in enumerate(header)}
    columns: dict[str, list[str]] = {c: [] for c in spec.header}
    extra: list[bool] = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        for name in spec.header:
            i = where[name]
            columns[name].append(values[i].strip() if i < len(values) else "")
        extra.append(len(values) > len(header))
    return _part(columns, extra, first_row=1)


def parquet_parts(spec: FeedSpec, path: Path, batch_rows: int) -> Iterator[pa.Table]:
    """A Parquet file's records as text columns, `batch_rows` at a time (bounded memory)."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise ValidationFailed(f"Parquet 文件无法读取：{exc}", code="bad_parquet") from None
    require_columns(spec, parquet.schema_arrow.names)
    first = 1
    for batch in parquet.iter_batches(batch_size=batch_rows, columns=list(spec.header)):
        columns = {name: _texts(batch.column(name)) for name in spec.header}
        yield _part(columns, [False] * batch.num_rows, first_row=first)
        first += batch.num_rows


def _texts(values: pa.Array) -> pa.Array | list[str]:
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return pc.fill_null(pc.utf8_trim(values.cast(pa.string()), WHITESPACE), "")
    # Dates, numbers: as the row parser turns them into text (feeds._text)
    return ["" if v is None else feeds._text(v) for v in values.to_pylist()]


def _part(columns: Mapping[str, object], extra: list[bool], *, first_row: int) -> pa.Table:
    n = len(extra)
    arrays = {ROW: pa.array(range(first_row, first_row + n), type=pa.int64())}
    arrays |= {name: pa.array(v, type=pa.string()) for name, v in columns.items()}
    arrays[EXTRA] = pa.array(extra, type=pa.bool_())
    return pa.table(arrays)


# ── the query ────────────────────────────────────────────────────────────────────────────────


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# feeds._REF, in RE2 (the CJK range written out: RE2 and Python agree on it character by character)
REF_PATTERN = "[0-9A-Za-z\u4e00-\u9fff·\\-（）()/]{1,40}"


def _column_sql(spec: FeedSpec, today: date) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Per column: the condition that it is certainly good, its value and its data text."""
    good: list[str] = []
    value: dict[str, str] = {}
    text: dict[str, str] = {}
    for column in spec.columns:
        c = _q(column.name)
        match column.type:
            case ColumnType.ID:
                good.append("normalized IS NOT NULL")
                value[column.name] = "normalized"
                continue
            case ColumnType.DATE:
                ok = (
                    f"regexp_full_match({c}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
                    f"AND substr({c}, 1, 4) <> '0000' "
                    f"AND try_strptime({c}, '%Y-%m-%d') IS NOT NULL "
                    f"AND CAST(try_strptime({c}, '%Y-%m-%d') AS DATE) <= DATE '{today}'"
                )
                val = f"CAST(try_strptime({c}, '%Y-%m-%d') AS DATE)"
                txt = c
            case ColumnType.MONTH:
                ok = (
                    f"regexp_full_match({c}, '[0-9]{{4}}-[0-9]{{2}}') "
                    f"AND substr({c}, 1, 4) <> '0000' "
                    f"AND TRY_CAST(substr({c}, 6, 2) AS INTEGER) BETWEEN 1 AND 12 "
                    f"AND {c} <= '{today:%Y-%m}'"
                )
                val = f"CAST(try_strptime({c} || '-01', '%Y-%m-%d') AS DATE)"
                txt = f"{c} || '-01'"
            case ColumnType.YEAR:
                ok = (
                    f"regexp_full_match({c}, '[0-9]{{4}}') "
                    f"AND TRY_CAST({c} AS INTEGER) BETWEEN 1950 AND {today.year}"
                )
                val = f"CAST(try_strptime({c} || '-01-01', '%Y-%m-%d') AS DATE)"
                txt = f"{c} || '-01-01'"
            case ColumnType.AMOUNT:
                ok = f"regexp_full_match({c}, '[0-9]{{1,12}}([.][0-9]{{1,2}})?')"
                val = f"TRY_CAST({c} AS DECIMAL(14, 2))"
                # str(Decimal("007.5")) is "7.5": leading zeros go, the decimals stay
                txt = f"regexp_replace({c}, '^0+([0-9])', '\\1')"
            case ColumnType.GRADE:
                ok = f"{c} IN ('1', '2', '3', '4')"
                val = f"TRY_CAST({c} AS DECIMAL(14, 2))"
                txt = c
            case ColumnType.CHOICE:
                ok = f"{c} IN ({', '.join(_lit(k) for k in column.choices)})"
                val = txt = c
            case ColumnType.TEXT:
                ok = f"regexp_full_match({c}, {_lit(REF_PATTERN)})"
                val = txt = c
        if column.required:
            good.append(f"({ok})")
        else:
            good.append(f"({c} = '' OR ({ok}))")
            val = f"CASE WHEN {c} = '' THEN NULL ELSE {val} END"
            txt = f"CASE WHEN {c} = '' THEN NULL ELSE {txt} END"
        value[column.name] = val
        text[column.name] = txt
    return good, value, text


def _query(spec: FeedSpec, today: date) -> str:
    good, value, text = _column_sql(spec, today)
    for later, earlier in feeds._ORDERED.items():
        if later in value and earlier in value:
            good.append(f"NOT coalesce({value[later]} < {value[earlier]}, false)")
    if spec.source == "medical":
        parts = " + ".join(
            value[c]
            for c in ("insurance_paid", "critical_illness_paid", "assistance_paid", "self_paid")
        )
        good.append(f"coalesce({parts} = {value['total_cost']}, false)")

    def pick(name: str) -> str:
        return value[name] if name else "NULL"

    data_names = spec.header[1:]
    # concat_ws leaves out an empty optional column, as FeedRow.data does
    pairs = ", ".join(f"'\"{n}\": \"' || {text[n]} || '\"'" for n in data_names)
    data = f"'{{' || concat_ws(', ', {pairs}) || '}}'"
    identity = " || '|' || ".join(
        [_lit(spec.source), "normalized", *(f"coalesce({text[n]}, '')" for n in data_names)]
    )
    kind = _lit(spec.fixed_kind) if spec.fixed_kind else value[spec.kind]
    ref = f"coalesce({value[spec.ref]}, '')" if spec.ref else "''"
    return f"""
    WITH checked AS (
        SELECT r.*, ids.normalized, coalesce(NOT r.{EXTRA} AND {" AND ".join(good)}, false) AS ok
        FROM part r LEFT JOIN ids ON ids.raw = r.{_q(spec.header[0])})
    SELECT {ROW} AS row, ok,
           CASE WHEN ok THEN normalized END AS id_number,
           CASE WHEN ok THEN {kind} END AS kind,
           CASE WHEN ok THEN {pick(spec.day)} END AS day,
           CASE WHEN ok THEN {pick(spec.end_day)} END AS end_day,
           CASE WHEN ok THEN CAST({pick(spec.amount)} AS DECIMAL(14, 2)) END AS amount,
           CASE WHEN ok THEN CAST({pick(spec.amount2)} AS DECIMAL(14, 2)) END AS amount2,
           CASE WHEN ok THEN {ref} END AS ref,
           CASE WHEN ok THEN {data} END AS data,
           CASE WHEN ok THEN substr(sha256({identity}), 1, 40) END AS key
    FROM checked
    """


def check_part(spec: FeedSpec, part: pa.Table, today: date) -> CheckedPart:
    """Every row of `part` (from `csv_part` or `parquet_parts`): the good ones normalised, and the
    row parser's errors for the rest."""
    id_column = spec.header[0]
    raws = pc.unique(part.column(id_column)).to_pylist()
    valid = [(raw, feeds._parse_id(raw, today)) for raw in raws if raw]
    ids = pa.table(
        {
            "raw": [raw for raw, check in valid if check.valid],
            "normalized": [check.normalized for _raw, check in valid if check.valid],
        },
        schema=pa.schema([("raw", pa.string()), ("normalized", pa.string())]),
    )
    con = duckdb.connect()
    try:
        con.register("part", part)
        con.register("ids", ids)
        result: pa.Table = con.sql(_query(spec, today)).to_arrow_table()
    finally:
        con.close()
    ok = result.column("ok")
    good = result.filter(ok).drop_columns(["ok"]).cast(GOOD_SCHEMA)
    doubtful = part.filter(pc.invert(ok))
    errors: list[RowError] = []
    rescued: list[FeedRow] = []
    for record in doubtful.to_pylist():
        number = int(record.pop(ROW))
        if record.pop(EXTRA):
            record["\0extra"] = "1"  # how feeds.read_table marks it
        row, row_errors = feeds._parse_row(spec, number, record, today)
        errors.extend(row_errors)
        if row is not None and not row_errors:
            rescued.append(row)
    if rescued:
        good = pa.concat_tables([good, rows_table(rescued)]).sort_by("row")
    return CheckedPart(good=good, errors=errors, rows=part.num_rows)


def rows_table(rows: list[FeedRow]) -> pa.Table:
    """FeedRows in GOOD_SCHEMA."""
    return pa.table(
        {
            "row": [r.row for r in rows],
            "id_number": [r.id_number for r in rows],
            "kind": [r.kind for r in rows],
            "day": [r.day for r in rows],
            "end_day": [r.end_day for r in rows],
            "amount": [r.amount for r in rows],
            "amount2": [r.amount2 for r in rows],
            "ref": [r.ref for r in rows],
            "data": [json.dumps(r.data, ensure_ascii=False) for r in rows],
            "key": [r.key for r in rows],
        },
        schema=GOOD_SCHEMA,
    )


def feed_rows(good: pa.Table) -> list[FeedRow]:
    """GOOD_SCHEMA back to FeedRows (the ORM path and the tests)."""
    rows = []
    for r in good.to_pylist():
        amount, amount2 = r["amount"], r["amount2"]
        rows.append(
            FeedRow(
                row=r["row"],
                id_number=r["id_number"],
                kind=r["kind"],
                day=r["day"],
                end_day=r["end_day"],
                amount=None if amount is None else Decimal(amount),
                amount2=None if amount2 is None else Decimal(amount2),
                ref=r["ref"],
                data=json.loads(r["data"]),
                key=r["key"],
            )
        )
    return rows
