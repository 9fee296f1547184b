"""Loading a large Parquet feed file: streamed in record batches, stored set-based.

`actions.do_load_feed` reads a whole file into memory and inserts through the ORM — right for an
upload, too slow and too big for the tens of millions of rows of a city's medical feed. This path
keeps everything the loader promises and changes only how rows travel:

- the file is read in record batches of `BATCH_ROWS` (bounded memory) and its SHA-256 is computed
  streaming;
- every row is checked set-based by `feedcheck.check_part` (DuckDB; any row it cannot pass goes
  through `feeds._parse_row`, so the verdict and the errors are the row parser's); bad rows are
  reported `{row, column, reason}` on the batch, good rows are kept;
- each distinct ID number of a part is sealed once (`registry.seed.seal_many`: ciphertext, blind
  index, mask) — a person has many bills;
- on PostgreSQL the rows go by COPY into a temporary table and then
  `INSERT … SELECT … ON CONFLICT (source, row_key) DO NOTHING` into the (source-partitioned) feed
  table; on SQLite through `bulk_create(ignore_conflicts=True)`. A row already received — in an
  earlier file or earlier in this one — is not stored again: idempotent, and `rows_known` counts it;
- the batch's provenance (source, file name, checksum, received, counts, rejected rows) and the
  audit record are written as for an upload, all in one transaction: a failure leaves nothing.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.utils import timezone

from minzheng.accounts.models import User
from minzheng.api.models import ApiClient
from minzheng.core import audit
from minzheng.core.models import AuditEvent
from minzheng.core.pii import ID_NUMBER
from minzheng.registry.seed import seal_many
from minzheng.verification import feedcheck
from minzheng.verification.feeds import PARQUET_MAGIC, FeedRow, spec_for
from minzheng.verification.models import FeedBatch, FeedRecord

BATCH_ROWS = 500_000
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
        for part in feedcheck.parquet_parts(spec, path, BATCH_ROWS):
            checked = feedcheck.check_part(spec, part, today)
            total += checked.rows
            good += checked.good.num_rows
            errors.extend(checked.errors)
            store.add(source, checked.good)
            if progress:
                progress(checked.rows)
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
    refresh_statistics(source, batch.rows_accepted)
    return batch


def refresh_statistics(source: str, added: int) -> bool:
    """PostgreSQL: ANALYZE the source's partition of the feed table when this load added a tenth
    of its rows or more (or it was never analysed). Autovacuum would do it later; the monitor
    that runs right after a month's loads would meanwhile be planned on the empty table's
    statistics — a nested loop from every feed row into each part's members, 1.1 s a part at
    3 M persons against 0.35 s once analysed (docs/scaling.md). Returns whether it analysed."""
    if connection.vendor != "postgresql" or added <= 0:
        return False
    table = f"verification_feedrecord_{source}"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.reltuples FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid "
            "JOIN pg_class parent ON parent.oid = i.inhparent "
            "WHERE parent.relname = 'verification_feedrecord' AND c.relname = %s",
            [table],
        )
        row = cursor.fetchone()
        if row is None:  # a source without its own partition: the default one, analysed whole
            table, estimate = "verification_feedrecord", -1.0
        else:
            estimate = float(row[0])
        if estimate >= 0 and added * 10 < estimate:
            return False
        cursor.execute(f"ANALYZE {table}")  # a partition name from the catalogue, not user input
    return True


def feed_records(batch: FeedBatch, source: str, rows: Sequence[FeedRow]) -> list[FeedRecord]:
    """The stored form of checked rows, ID numbers sealed many at a time: the one place an upload
    (`actions.do_load_feed`) and a file (`_OrmStore`) build their FeedRecords."""
    ciphers, indexes, masks = seal_many(ID_NUMBER, [r.id_number for r in rows])
    return [
        FeedRecord(
            batch=batch,
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


def _sealed_table(good: pa.Table) -> pa.Table:
    """Each distinct ID number of `good` sealed once (a person has many bills in a file)."""
    numbers = pc.unique(good.column("id_number")).to_pylist()
    ciphers, indexes, masks = seal_many(ID_NUMBER, numbers)
    return pa.table(
        {"id_number": numbers, "idx": indexes, "cipher": ciphers, "masked": masks},
        schema=pa.schema([(n, pa.string()) for n in ("id_number", "idx", "cipher", "masked")]),
    )


class _PgStore:
    """COPY into a temporary table, then one INSERT … ON CONFLICT DO NOTHING per part."""

    def __init__(self, batch_id: int) -> None:
        self.batch_id = batch_id
        self.accepted = 0
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS feed_stage ON COMMIT DROP AS "
                f"SELECT {', '.join(COLUMNS)} FROM verification_feedrecord WITH NO DATA"
            )

    def add(self, source: str, good: pa.Table) -> None:
        import duckdb
        import pyarrow.csv as pacsv

        if not good.num_rows:
            return
        con = duckdb.connect()
        try:
            con.register("good", good)
            con.register("sealed", _sealed_table(good))
            rows = con.sql(
                f"SELECT {self.batch_id}::BIGINT, {feedcheck._lit(source)}, g.key, s.idx, "
                "s.cipher, s.masked, g.kind, g.day, g.end_day, g.amount, g.amount2, g.ref, g.data "
                "FROM good g JOIN sealed s USING (id_number) ORDER BY g.row"
            ).to_arrow_table()
        finally:
            con.close()
        buffer = io.BytesIO()
        pacsv.write_csv(rows, buffer, pacsv.WriteOptions(include_header=False))
        names = ", ".join(COLUMNS)
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cursor:
            with cursor.copy(
                f"COPY feed_stage ({names}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (kind, ref))"
            ) as copy:
                copy.write(buffer.getbuffer())
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

    def add(self, source: str, good: pa.Table) -> None:
        if not good.num_rows:
            return
        records = feed_records(self.batch, source, feedcheck.feed_rows(good))
        FeedRecord.objects.bulk_create(records, batch_size=2000, ignore_conflicts=True)

    def finish(self) -> int:
        return FeedRecord.objects.filter(batch=self.batch).count()
