"""PostgreSQL partitioning of the growing tables (core.partitions, `minzheng partitions`): the
tables are partitioned, a row lands in its month's partition, a month made later takes the rows
the DEFAULT partition caught, and a month can be detached, archived and attached back.

The medical settlements' claim key is tested in tests/medical/test_partitioned_settlements.py;
the ledger's and feeds' idempotency by their own tests, which run unchanged on PostgreSQL."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from minzheng.core import partitions as parts
from minzheng.core.models import AuditEvent
from minzheng.core.yearmonth import YearMonth

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="only PostgreSQL partitions the tables"
    ),
]

AUDIT = parts.SPEC_BY_TABLE["core_auditevent"]


def _where(table: str, row_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [row_id])
        return str(cursor.fetchone()[0])


def _old_audit_event(at: str, summary: str) -> int:
    """An audit event written at `at` (the ORM stamps `at` with now)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditevent (at, actor_name, actor_role, action, object_type,"
            " object_id, region_code, summary) VALUES (%s, '测试', '', 'create', 'test', '1', '',"
            " %s) RETURNING id",
            [at, summary],
        )
        return int(cursor.fetchone()[0])


def test_every_growing_table_is_partitioned_with_its_key_in_the_primary_key() -> None:
    with connection.cursor() as cursor:
        for spec in parts.SPECS:
            assert parts.is_partitioned(cursor, spec.table), spec.table
            cursor.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = to_regclass(%s) AND contype = 'p'",
                [spec.table],
            )
            assert cursor.fetchone()[0] == f"PRIMARY KEY (id, {spec.key})"
            names = [p.name for p in parts.partitions(cursor, spec.table)]
            assert parts.default_partition(spec) in names
        feed = [p.name for p in parts.partitions(cursor, "verification_feedrecord")]
        assert "verification_feedrecord_tax" in feed and len(feed) == 12
        # The monitoring warnings stay one table (docs/operations.md says why).
        assert not parts.is_partitioned(cursor, "monitoring_warning")


def test_an_event_lands_in_its_months_partition_and_ids_keep_counting() -> None:
    first = AuditEvent.objects.create(actor_name="测试", action="create", object_type="test")
    second = AuditEvent.objects.create(actor_name="测试", action="create", object_type="test")
    assert second.pk == first.pk + 1
    month = YearMonth(first.at.astimezone().year, first.at.astimezone().month)
    assert _where("core_auditevent", first.pk) == parts.month_partition(AUDIT, month)
    # China time decides the month: 2026-03-31 23:30 +08 is March although UTC says March too,
    # and 2026-04-01 00:30 +08 is April although UTC still says March.
    with connection.cursor() as cursor:
        parts.ensure_months(cursor, AUDIT, first.at.date(), 0, start=YearMonth(2026, 3))
    late = _old_audit_event("2026-04-01 00:30:00+08", "四月")
    assert _where("core_auditevent", late) == "core_auditevent_p202604"


def test_the_audit_trail_stays_append_only_in_every_partition() -> None:
    event = AuditEvent.objects.create(actor_name="测试", action="create", object_type="test")
    partition = _where("core_auditevent", event.pk)
    for sql in (
        f"UPDATE {partition} SET summary = 'x' WHERE id = %s",
        f"DELETE FROM {partition} WHERE id = %s",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])


def test_a_month_made_later_takes_the_rows_the_default_partition_caught() -> None:
    caught = _old_audit_event("2019-05-10 12:00:00+08", "五月")
    assert _where("core_auditevent", caught) == "core_auditevent_pdefault"
    with connection.cursor() as cursor:
        created = parts.ensure_all(cursor, YearMonth(2019, 6).first_day(), 1)
    assert created["core_auditevent"][:3] == [
        "core_auditevent_p201905",
        "core_auditevent_p201906",
        "core_auditevent_p201907",
    ]
    assert _where("core_auditevent", caught) == "core_auditevent_p201905"
    assert AuditEvent.objects.get(pk=caught).summary == "五月"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_auditevent_pdefault WHERE id = %s", [caught])
        assert cursor.fetchone()[0] == 0


def test_a_past_month_is_detached_archived_and_attached_back(tmp_path: Path, capsys: Any) -> None:
    from minzheng.cli import main

    with connection.cursor() as cursor:
        parts.ensure_months(cursor, AUDIT, YearMonth(2020, 1).first_day(), 0)
    kept = [_old_audit_event(f"2020-01-{d:02d} 09:00:00+08", f"一月{d}") for d in (3, 17)]
    other = _old_audit_event("2019-12-31 23:59:00+08", "十二月")
    target = tmp_path / "audit-2020-01.csv.gz"
    args = ["partitions", "archive", "--table", "core_auditevent", "--month", "2020-01"]
    assert main([*args, "--to", str(target)]) == 0
    assert '"rows": 2' in capsys.readouterr().out
    # Out of the table, in the file, still in the database as a plain table.
    assert not AuditEvent.objects.filter(pk__in=kept).exists()
    assert AuditEvent.objects.filter(pk=other).exists()
    with gzip.open(target, "rt", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["summary"] for r in rows) == ["一月17", "一月3"]
    assert sorted(int(r["id"]) for r in rows) == sorted(kept)
    with connection.cursor() as cursor:
        assert parts.is_detached(cursor, "core_auditevent_p202001")

    assert main(["partitions", "attach", "--table", "core_auditevent", "--month", "2020-01"]) == 0
    assert AuditEvent.objects.filter(pk__in=kept).count() == 2
    # Archiving with --drop leaves nothing behind.
    again = tmp_path / "again.csv.gz"
    assert main([*args, "--to", str(again), "--drop"]) == 0
    with connection.cursor() as cursor:
        assert not parts.is_detached(cursor, "core_auditevent_p202001")
        cursor.execute("SELECT to_regclass('core_auditevent_p202001')")
        assert cursor.fetchone()[0] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["archive", "--table", "monitoring_warning", "--month", "2020-01"], "不是分区表"),
        (["archive", "--table", "core_auditevent", "--month", "2020-13"], "月份格式"),
        (["archive", "--table", "verification_feedrecord", "--month", "2020-01"], "按数据来源"),
        (["archive", "--table", "core_auditevent", "--month", "2099-01"], "已经过去的月份"),
        (["archive", "--table", "core_auditevent", "--month", "2001-01"], "没有 2001-01 的分区"),
        (["attach", "--table", "core_auditevent", "--month", "2001-01"], "没有摘下的"),
        (["ensure", "--ahead", "99"], "--ahead"),
    ],
)
def test_bad_partition_commands_say_why_and_change_nothing(
    tmp_path: Path, capsys: Any, args: list[str], message: str
) -> None:
    from minzheng.cli import main

    if args[0] == "archive":
        args = [*args, "--to", str(tmp_path / "x.csv.gz")]
    assert main(["partitions", *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.csv.gz").exists()


def test_list_prints_every_partition_with_its_rows(capsys: Any) -> None:
    from minzheng.cli import main

    _old_audit_event("2018-02-02 10:00:00+08", "二月")
    assert main(["partitions", "list", "--table", "core_auditevent"]) == 0
    lines = capsys.readouterr().out.splitlines()
    default = next(line for line in lines if "core_auditevent_pdefault" in line)
    assert '"bound": "DEFAULT"' in default and '"rows": 1' in default


def test_the_ledger_key_still_refuses_a_second_line_across_partitions() -> None:
    """The ledger's idempotency key contains the month: one unique index over all partitions."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'payment_line_idempotency'"
        )
        assert "(source, source_id, month, kind)" in cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = 'payment_line_idempotency'::regclass"
        )
        assert cursor.fetchone()[0] == len(parts.partitions(cursor, "payments_paymentline"))


def test_feed_rows_land_in_their_sources_partition_and_are_stored_once() -> None:
    from minzheng.verification.models import FeedBatch, FeedRecord

    batch = FeedBatch.objects.create(
        source="tax", filename="t.csv", checksum="0" * 64, received_at="2026-01-05T10:00:00+08:00"
    )
    row = {"batch": batch, "id_number_index": "i", "id_number_cipher": "c", "kind": "income"}
    first = FeedRecord.objects.create(source="tax", row_key="k1", **row)
    assert _where("verification_feedrecord", first.pk) == "verification_feedrecord_tax"
    other = FeedRecord.objects.create(source="new_source", row_key="k1", **row)
    assert _where("verification_feedrecord", other.pk) == "verification_feedrecord_pdefault"
    with pytest.raises(IntegrityError, match="duplicate key"), transaction.atomic():
        FeedRecord.objects.create(source="tax", row_key="k1", **row)
    FeedRecord.objects.bulk_create(
        [FeedRecord(source="tax", row_key="k1", **row)], ignore_conflicts=True
    )
    assert FeedRecord.objects.filter(source="tax", row_key="k1").count() == 1


def test_a_table_with_rows_is_partitioned_and_back_keeping_rows_ids_and_guards() -> None:
    """What the migration does on a database that already holds a trail, and its reverse."""
    with connection.cursor() as cursor:
        parts.unpartition(cursor, AUDIT)
        assert not parts.is_partitioned(cursor, "core_auditevent")
    march = _old_audit_event("2025-03-31 23:30:00+08", "三月末")  # still March in China
    with connection.cursor() as cursor:
        parts.partition(cursor, AUDIT, YearMonth(2025, 4).first_day(), 1)
        assert parts.is_partitioned(cursor, "core_auditevent")
    assert _where("core_auditevent", march) == "core_auditevent_p202503"
    later = AuditEvent.objects.create(actor_name="测试", action="create", object_type="test")
    assert later.pk == march + 1
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditevent SET summary = 'x' WHERE id = %s", [march])
