"""Loading a large Parquet feed file: streamed in record batches, stored set-based.

`actions.do_load_feed` reads a whole file into memory and inserts through the ORM — right for an
upload, too slow and too big for the tens of millions of rows of a city's medical feed. This path
keeps everything the loader promises and changes only how rows travel:

- the file is read in record batches of `BATCH_ROWS` (bounded memory) and its SHA-256 is computed
  streaming;
- every row is checked by the same `feeds._parse_row` (ID check, dates, kinds, amounts); bad rows
  are reported `{row, column, reason}` on the batch, good rows are kept;
- ID numbers are sealed many at a time (`registry.seed.seal_many`: ciphertext, blind index, mask);
- on PostgreSQL the rows go by COPY into a temporary table and then
  `INSERT … SELECT … ON CONFLICT (source, row_key) DO NOTHING` into the (source-partitioned) feed
  table; on SQLite through `bulk_create(ignore_conflicts=True)`. A row already received — in an
  earlier file or earlier in this one — is not stored again: idempotent, and `rows_known` counts it;
- the batch's provenance (source, file name, checksum, received, counts, rejected rows) and the
  audit record are written as for an upload, all in one transaction: a failure leaves nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.api.models import ApiClient
from minzheng.core import audit
from minzheng.core.errors import ValidationFailed
from minzheng.core.models import AuditEvent
from minzheng.verification import feeds
from minzheng.verification.feeds import PARQUET_MAGIC, FeedRow, spec_for
from minzheng.verification.models import FeedBatch, FeedRecord

BATCH_ROWS = 100_000
COLUMNS = (
    "batch_id",
    "source",
    "row_key",
    "id_number_index",
    "id_number_cipher",
    "id_number_masked",
    "kind",
    "day",
    "end_day",
    "amount",
    "amount2",
    "ref",
    "data",
)


def is_parquet(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == PARQUET_MAGIC


def _checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def _batches(path: Path, spec: feeds.FeedSpec) -> Iterator[list[dict[str, str]]]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise ValidationFailed(f"Parquet 文件无法读取：{exc}", code="bad_parquet") from None
    header = spec.header
    names = parquet.schema_arrow.names
    missing = [c for c in header if c not in names]
    if missing:
        raise ValidationFailed(
            f"{spec.label}数据缺少列：{'、'.join(missing)}（应为 {','.join(header)}）",
            code="missing_columns",
        )
    for record_batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=list(header)):
        columns = {
            name: ["" if v is None else feeds._text(v) for v in record_batch.column(i).to_pylist()]
            for i, name in enumerate(record_batch.schema.names)
        }
        n = record_batch.num_rows
        yield [{name: columns[name][k] for name in header} for k in range(n)]


def do_load_feed_file(
    actor: User | ApiClient | None,
    source: str,
    path: Path,
    *,
    progress: Callable[[int], None] | None = None,
) -> FeedBatch:
    """Load a Parquet feed file of any size; the same checks and guarantees as `do_load_feed`."""
    from minzheng.verification.actions import _feed_actor

    user, client_name = _feed_actor(actor)
    spec = spec_for(source)
    today = timezone.localdate()
    checksum = _checksum(path)
    with transaction.atomic():
        earlier = FeedBatch.objects.filter(source=source, checksum=checksum).order_by("id").first()
        batch = FeedBatch.objects.create(
            source=source,
            filename=path.name[:200],
            checksum=checksum,
            received_at=timezone.now(),
            received_by=user,
            client_name=client_name,
            redelivery_of=earlier,
        )
        store = _PgStore(batch.pk) if connection.vendor == "postgresql" else _OrmStore(batch)
        total, good, errors = 0, 0, []
        for records in _batches(path, spec):
            rows: list[FeedRow] = []
            for record in records:
                total += 1
                row, row_errors = feeds._parse_row(spec, total, record, today)
                if row_errors:
                    errors.extend(row_errors)
                elif row is not None:
                    rows.append(row)
            good += len(rows)
            store.add(source, rows)
            if progress:
                progress(len(records))
        accepted = store.finish()
        batch.rows_total = total
        batch.rows_accepted = accepted
        batch.rows_known = good - accepted
        batch.rows_rejected = len({e.row for e in errors})
        batch.errors = [e.as_dict() for e in errors]
        batch.save(
            update_fields=["rows_total", "rows_accepted", "rows_known", "rows_rejected", "errors"]
        )
        audit.record(
            user,
            AuditEvent.Action.CREATE,
            "feed_batch",
            batch.pk,
            actor_name=client_name or None,
            summary=f"接收{spec.label}数据 {path.name}：{total}行，新增"
            f"{accepted}行，错误{batch.rows_rejected}行",
            after={"checksum": checksum, "rows": total},
        )
    return batch


def _sealed(rows: list[FeedRow]) -> tuple[list[str], list[str], list[str]]:
    from minzheng.core.pii import ID_NUMBER
    from minzheng.registry.seed import seal_many

    return seal_many(ID_NUMBER, [r.id_number for r in rows])


def _fmt(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _PgStore:
    """COPY into a temporary table, then one INSERT … ON CONFLICT DO NOTHING per batch."""

    def __init__(self, batch_id: int) -> None:
        self.batch_id = batch_id
        self.accepted = 0
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS feed_stage ON COMMIT DROP AS "
                f"SELECT {', '.join(COLUMNS)} FROM verification_feedrecord WITH NO DATA"
            )

    def add(self, source: str, rows: list[FeedRow]) -> None:
        if not rows:
            return
        ciphers, indexes, masks = _sealed(rows)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for r, cipher, index, masked in zip(rows, ciphers, indexes, masks, strict=True):
            writer.writerow(
                (
                    self.batch_id,
                    source,
                    r.key,
                    index,
                    cipher,
                    masked,
                    r.kind,
                    _fmt(r.day),
                    _fmt(r.end_day),
                    _fmt(r.amount),
                    _fmt(r.amount2),
                    r.ref,
                    json.dumps(r.data, ensure_ascii=False),
                )
            )
        names = ", ".join(COLUMNS)
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cursor:
            with cursor.copy(
                f"COPY feed_stage ({names}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (kind, ref))"
            ) as copy:
                copy.write(buffer.getvalue().encode())
            cursor.execute(
                f"INSERT INTO verification_feedrecord ({names}) "
                f"SELECT {names} FROM feed_stage "
                "ON CONFLICT (source, row_key) DO NOTHING"
            )
            self.accepted += max(cursor.rowcount, 0)
            cursor.execute("TRUNCATE feed_stage")

    def finish(self) -> int:
        return self.accepted


class _OrmStore:
    """SQLite (and small files): bulk_create ignoring rows already there; counted at the end."""

    def __init__(self, batch: FeedBatch) -> None:
        self.batch = batch

    def add(self, source: str, rows: list[FeedRow]) -> None:
        if not rows:
            return
        ciphers, indexes, masks = _sealed(rows)
        records: list[Any] = [
            FeedRecord(
                batch=self.batch,
                source=source,
                row_key=r.key,
                id_number_index=index,
                id_number_cipher=cipher,
                id_number_masked=masked,
                kind=r.kind,
                day=r.day,
                end_day=r.end_day,
                amount=r.amount,
                amount2=r.amount2,
                ref=r.ref,
                data=r.data,
            )
            for r, cipher, index, masked in zip(rows, ciphers, indexes, masks, strict=True)
        ]
        FeedRecord.objects.bulk_create(records, batch_size=2000, ignore_conflicts=True)

    def finish(self) -> int:
        return FeedRecord.objects.filter(batch=self.batch).count()
