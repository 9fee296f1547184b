"""The set-based check (`verification/feedcheck.py`) gives every row exactly the row parser's verdict:
the same errors (row, column, Chinese reason) and the same normalised good rows, on files full of
bad rows of every kind, in CSV (UTF-8, UTF-8 with BOM, GB18030) and Parquet."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from minzheng.verification import feedcheck, feeds
from minzheng.verification.feeds import FEEDS, ColumnType, FeedRow, RowError

TODAY = date(2021, 3, 15)
LI = "330203195001011238"
WANG = "330203195203152346"

GOOD = {
    ColumnType.ID: LI,
    ColumnType.DATE: "2020-07-10",
    ColumnType.MONTH: "2020-11",
    ColumnType.YEAR: "2019",
    ColumnType.AMOUNT: "88.50",
    ColumnType.GRADE: "2",
    ColumnType.TEXT: "浙（2019）宁波市不动产权第0001号",
}
# Values each column type must refuse, and look-alikes it must keep.
BAD = {
    ColumnType.ID: [
        "330203195001011239",  # check digit
        "33020319500101123",  # length
        "330203195002301238",  # no such birth date
        "990203195001011238",  # unknown area
        "abc",
        "",
    ],
    ColumnType.DATE: [
        "2020-02-30",
        "2020/07/10",
        "2020-7-10",
        "２０２０-07-10",  # full-width digits: the row parser's own message
        "2021-03-16",  # after today
        "0000-01-01",
        "",
    ],
    ColumnType.MONTH: ["2020-13", "2020-00", "2020-1", "2021-04", "２０２０-11", "x", ""],
    ColumnType.YEAR: ["1949", "2022", "20", "２０１９", ""],
    ColumnType.AMOUNT: ["-1", "1.234", "1e3", "1,000", "１２", "1234567890123", ".5", ""],
    ColumnType.GRADE: ["0", "5", "1.0", "２", ""],
    ColumnType.CHOICE: ["abducted", "DEATH", "", "住宅"],
    ColumnType.TEXT: ["a" * 41, "P 1", 'P"1', "P,1", ""],
}
KEEP = {
    ColumnType.ID: [
        "33020319500101123x".upper(),
        "３３０２０３１９５００１０１１２３８",
        "330203500101123",
    ],
    ColumnType.DATE: ["2021-03-15", "2020-02-29"],
    ColumnType.MONTH: ["2021-03", "2019-01"],
    ColumnType.YEAR: ["1950", "2021"],
    ColumnType.AMOUNT: ["007.5", "0", "0.00", "000", "123456789012.99", "1.5"],
    ColumnType.GRADE: ["1", "4"],
    ColumnType.TEXT: ["浙B·12345", "A-1/2(3)", "a" * 40],
}


def _good_record(source: str) -> dict[str, str]:
    spec = FEEDS[source]
    record = {}
    for column in spec.columns:
        if column.type == ColumnType.CHOICE:
            record[column.name] = next(iter(column.choices))
        else:
            record[column.name] = GOOD[column.type]
    if source == "medical":
        record |= {
            "total_cost": "100.50",
            "insurance_paid": "60",
            "critical_illness_paid": "0.5",
            "assistance_paid": "010",
            "self_paid": "30.00",
        }
    for later in feeds._ORDERED:
        if later in record:
            record[later] = ""  # still held
    return record


def _records(source: str) -> list[dict[str, str]]:
    """One good row, then every bad and every kept value in every column, and the rules across
    columns: end before start, an end equal to the start, payments that do not add up."""
    spec = FEEDS[source]
    base = _good_record(source)
    records = [base]
    for column in spec.columns:
        for value in BAD.get(column.type, []) + KEEP.get(column.type, []):
            if value == "" and not column.required:
                continue
            records.append(base | {column.name: value})
        if column.type == ColumnType.CHOICE:
            records.extend(base | {column.name: code} for code in column.choices)
        if not column.required:
            records.append(base | {column.name: "2020-07-09"})  # before the start
            records.append(base | {column.name: "2020-07-10"})  # the same day
            records.append(base | {column.name: "2021-01-01"})
    if source == "medical":
        records.append(base | {"self_paid": "30.01"})
        records.append(base | {"total_cost": "0100.5"})
        records.append(base | {"insurance_paid": "60.5", "self_paid": "29.5"})
    records.append(base | {spec.header[0]: WANG})
    records.append(dict(base))  # a repeated row: the same key
    return records


def _csv(source: str, records: list[dict[str, str]], encoding: str) -> bytes:
    header = FEEDS[source].header
    lines = [",".join(header)]
    for i, record in enumerate(records):
        values = [
            f'"{record[c]}"' if "," in record[c] or '"' in record[c] else record[c] for c in header
        ]
        values = [v.replace('"P"1"', '"P""1"') for v in values]
        lines.append(",".join(values))
        if i == 3:
            lines.append("")  # a blank line is not a row
            lines.append(",".join(values) + ",surplus")  # more values than the header
            lines.append(",".join(values[:2]))  # fewer values
            lines.append(" " + ", ".join(values))  # spaces around the values
    return ("\n".join(lines) + "\n").encode(encoding)


def _row_parser(source: str, data: bytes) -> tuple[list[FeedRow], list[RowError], int]:
    spec = FEEDS[source]
    _header, records = feeds.read_table(data)
    rows, errors = [], []
    for number, record in enumerate(records, start=1):
        row, row_errors = feeds._parse_row(spec, number, record, TODAY)
        errors.extend(row_errors)
        if row is not None and not row_errors:
            rows.append(row)
    return rows, errors, len(records)


def _set_based(part: pa.Table, source: str) -> tuple[list[FeedRow], list[RowError], int]:
    checked = feedcheck.check_part(FEEDS[source], part, TODAY)
    return feedcheck.feed_rows(checked.good), checked.errors, checked.rows


@pytest.mark.parametrize("source", sorted(FEEDS))
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_file_gets_the_row_parsers_verdict_on_every_row(source: str, encoding: str) -> None:
    data = _csv(source, _records(source), encoding)
    expected = _row_parser(source, data)
    got = _set_based(feedcheck.csv_part(FEEDS[source], data), source)
    assert got[2] == expected[2]
    assert got[1] == expected[1]
    assert got[0] == expected[0]
    # the file is full of bad rows, and of good ones, so the comparison means something
    assert len(expected[1]) > 10 and len(expected[0]) > 5


@pytest.mark.parametrize("source", sorted(FEEDS))
def test_a_parquet_file_gets_the_row_parsers_verdict_on_every_row(
    source: str, tmp_path: Path
) -> None:
    spec = FEEDS[source]
    records = _records(source)
    table = pa.table({c: [r[c] for r in records] for c in spec.header})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    expected = _row_parser(source, buffer.getvalue())
    path = tmp_path / f"{source}.parquet"
    path.write_bytes(buffer.getvalue())
    parts = list(feedcheck.parquet_parts(spec, path, batch_rows=7))
    assert len(parts) > 1  # the rows are numbered across the parts
    got: tuple[list[FeedRow], list[RowError], int] = ([], [], 0)
    for part in parts:
        rows, errors, n = _set_based(part, source)
        got = (got[0] + rows, got[1] + errors, got[2] + n)
    assert got == expected


def test_typed_parquet_columns_are_read_as_the_row_parser_reads_them(tmp_path: Path) -> None:
    table = pa.table(
        {
            "id_number": [LI, WANG, None],
            "event": ["death", "hukou_out", "death"],
            "event_date": pa.array([date(2020, 7, 10), None, date(2020, 7, 1)], type=pa.date32()),
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    path = tmp_path / "police.parquet"
    path.write_bytes(buffer.getvalue())
    (part,) = feedcheck.parquet_parts(FEEDS["police"], path, batch_rows=100)
    got = _set_based(part, "police")
    assert got == _row_parser("police", buffer.getvalue())
    assert [(e.row, e.column) for e in got[1]] == [(2, "event_date"), (3, "id_number")]


def test_a_file_without_the_required_columns_is_refused_whole() -> None:
    from minzheng.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="缺少列：event_date"):
        feedcheck.csv_part(FEEDS["police"], b"id_number,event\n")
