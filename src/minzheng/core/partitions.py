"""PostgreSQL partitioning of the tables that grow without bound (a province's ledger, feeds, audit
trail and settlements), and the monthly upkeep of their partitions.

Only PostgreSQL is partitioned; SQLite keeps plain tables and every function here is a no-op there.
Django's model state does not change: the ORM still sees `id` as the primary key, while the
database's primary key is (id, partition key) — PostgreSQL requires every unique key of a
partitioned table to contain the partition key. `id` stays unique through its sequence.

Month-partitioned tables have one partition per month (`<table>_pYYYYMM`) and a DEFAULT partition
(`<table>_pdefault`) that catches a row for a month nobody created ahead, so an insert never fails
for want of a partition. `ensure_months` creates the months ahead (and moves any rows the DEFAULT
partition caught into their month); `detach` takes an old month out of the table for archiving.

See docs/operations.md (分区) for the commands and the archiving procedure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from minzheng.core.yearmonth import YearMonth

#: Month boundaries of timestamp partitions, in the bureau's time zone.
ZONE_OFFSET = "+08"


@dataclass(frozen=True)
class Spec:
    table: str
    key: str  # the partition key column
    by: str  # "month" (RANGE by calendar month) or "list" (LIST by value)
    timestamp: bool = False  # a timestamptz key: month boundaries at 00:00 China time
    values: tuple[str, ...] = ()  # LIST partitions to create (the DEFAULT one takes the rest)
    label: str = ""
    #: Unique indexes without the key, dropped: the owning app keeps them another way.
    replaced: tuple[str, ...] = ()


#: Every partitioned table. Their migrations (one per owning app) call `partition`.
SPECS: tuple[Spec, ...] = (
    Spec("payments_paymentline", "month", "month", label="发放台账明细"),
    Spec("core_auditevent", "at", "month", timestamp=True, label="审计日志"),
    Spec(
        "medical_settlement",
        "settled_on",
        "month",
        label="医疗救助结算",
        # (hospital, claim_id) of live settlements: kept by the medical_settlement_claim table.
        replaced=("one_live_settlement_per_claim",),
    ),
    Spec(
        "verification_feedrecord",
        "source",
        "list",
        values=(
            "police",
            "hrss",
            "tax",
            "estate",
            "vehicle",
            "market",
            "housing_fund",
            "bank",
            "medical",
            "disability",
            "funeral",
        ),
        label="部门数据记录",
    ),
)
SPEC_BY_TABLE = {s.table: s for s in SPECS}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _bound(month: YearMonth, spec: Spec) -> str:
    day = month.first_day().isoformat()
    return f"'{day} 00:00:00{ZONE_OFFSET}'" if spec.timestamp else f"'{day}'"


def month_partition(spec: Spec, month: YearMonth) -> str:
    return f"{spec.table}_p{month.year:04d}{month.month:02d}"


def default_partition(spec: Spec) -> str:
    return f"{spec.table}_pdefault"


def is_partitioned(cursor: Any, table: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [table])
    return cursor.fetchone() is not None


# ── converting a plain table ─────────────────────────────────────────────────────────────────


def partition(cursor: Any, spec: Spec, today: date, months_ahead: int = 3) -> None:
    """Turn the plain table into a partitioned one with the same columns, names of indexes and
    constraints, foreign keys, triggers and rows. Unique constraints must contain the key."""
    if is_partitioned(cursor, spec.table):
        return
    t, old = spec.table, f"{spec.table}_unpartitioned"
    _settle(cursor)
    cursor.execute(f"ALTER TABLE {_q(t)} RENAME TO {_q(old)}")
    method = "RANGE" if spec.by == "month" else "LIST"
    cursor.execute(
        f"CREATE TABLE {_q(t)} (LIKE {_q(old)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS"
        f" INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY {method} ({_q(spec.key)})"
    )
    _move_definitions(cursor, old, t, spec)
    # Partitions: every month with rows, up to `months_ahead` months from today; or every value.
    if spec.by == "month":
        key = _q(spec.key) + (" AT TIME ZONE 'Asia/Shanghai'" if spec.timestamp else "")
        cursor.execute(f"SELECT min({key}) FROM {_q(old)}")
        first = cursor.fetchone()[0]
        start = YearMonth(first.year, first.month) if first is not None else None
        ensure_months(cursor, spec, today, months_ahead, start=start)
    else:
        for value in spec.values:
            cursor.execute(
                f"CREATE TABLE {_q(f'{t}_{value}')} PARTITION OF {_q(t)} FOR VALUES IN (%s)",
                [value],
            )
    cursor.execute(f"CREATE TABLE {_q(default_partition(spec))} PARTITION OF {_q(t)} DEFAULT")
    cursor.execute(f"INSERT INTO {_q(t)} SELECT * FROM {_q(old)}")
    _settle(cursor)
    _drop_old(cursor, old)
    sequence = f"{t}_id_seq"
    cursor.execute(f"CREATE SEQUENCE {_q(sequence)} OWNED BY {_q(t)}.id")
    cursor.execute(f"ALTER TABLE {_q(t)} ALTER COLUMN id SET DEFAULT nextval(%s)", [sequence])
    cursor.execute(
        f"SELECT setval(%s, coalesce((SELECT max(id) FROM {_q(t)}), 0) + 1, false)", [sequence]
    )


def _settle(cursor: Any) -> None:
    """Run the transaction's deferred foreign-key checks now: a table with pending trigger events
    cannot be altered or dropped in the same transaction."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _move_definitions(cursor: Any, old: str, new: str, spec: Spec) -> None:
    """Primary key (id, key); unique and foreign keys, indexes and triggers under their names."""
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = to_regclass(%s) AND contype IN ('p', 'u', 'f') ORDER BY conname",
        [old],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x"
        " JOIN pg_class i ON i.oid = x.indexrelid"
        " WHERE x.indrelid = to_regclass(%s)"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
        " ORDER BY i.relname",
        [old],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger"
        " WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal ORDER BY tgname",
        [old],
    )
    triggers = cursor.fetchall()
    for name, _kind, _ in constraints:
        cursor.execute(f"ALTER TABLE {_q(old)} DROP CONSTRAINT {_q(name)}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {_q(name)}")
    for name, _ in triggers:
        cursor.execute(f"DROP TRIGGER {_q(name)} ON {_q(old)}")
    cursor.execute(
        f"ALTER TABLE {_q(new)} ADD CONSTRAINT {_q(new + '_pkey')} PRIMARY KEY (id, {_q(spec.key)})"
    )
    for name, kind, definition in constraints:
        if kind == "p":
            continue
        cursor.execute(f"ALTER TABLE {_q(new)} ADD CONSTRAINT {_q(name)} {definition}")
    for name, definition in indexes:
        if name not in spec.replaced:
            cursor.execute(_retarget(definition, old, new, " ON "))
    for _, definition in triggers:
        cursor.execute(_retarget(definition, old, new, " ON "))


def _retarget(definition: str, old: str, new: str, word: str) -> str:
    # An index of a partitioned table reads "ON ONLY public.t"; a plain table's "ON public.t".
    for only in ("ONLY ", ""):
        for spelled in (f"public.{old}", _q(old), old):
            marker = f"{word}{only}{spelled} "
            if marker in definition:
                return definition.replace(marker, f"{word}{_q(new)} ", 1)
    raise ValueError(f"cannot retarget {definition!r}")


def _drop_old(cursor: Any, old: str) -> None:
    cursor.execute(f"DROP TABLE {_q(old)}")


def unpartition(cursor: Any, spec: Spec) -> None:
    """The reverse of `partition` (for migrating backwards): a plain table with the same rows."""
    if not is_partitioned(cursor, spec.table):
        return
    t, old = spec.table, f"{spec.table}_partitioned"
    _settle(cursor)
    cursor.execute(f"ALTER TABLE {_q(t)} RENAME TO {_q(old)}")
    cursor.execute(
        f"CREATE TABLE {_q(t)} (LIKE {_q(old)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS"
        " INCLUDING STORAGE INCLUDING COMMENTS)"
    )
    cursor.execute(f"ALTER TABLE {_q(t)} ALTER COLUMN id DROP DEFAULT")
    cursor.execute(f"INSERT INTO {_q(t)} SELECT * FROM {_q(old)}")
    _settle(cursor)
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = to_regclass(%s) AND contype IN ('u', 'f') ORDER BY conname",
        [old],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x"
        " JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = to_regclass(%s)"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
        [old],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger"
        " WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal AND tgparentid = 0",
        [old],
    )
    triggers = cursor.fetchall()
    cursor.execute(f"DROP TABLE {_q(old)} CASCADE")
    cursor.execute(f"ALTER TABLE {_q(t)} ADD CONSTRAINT {_q(t + '_pkey')} PRIMARY KEY (id)")
    for name, _, definition in constraints:
        cursor.execute(f"ALTER TABLE {_q(t)} ADD CONSTRAINT {_q(name)} {definition}")
    for _, definition in indexes:
        cursor.execute(_retarget(definition, old, t, " ON "))
    for _, definition in triggers:
        cursor.execute(_retarget(definition, old, t, " ON "))
    cursor.execute(f"ALTER TABLE {_q(t)} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY")
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'),"
        f" coalesce((SELECT max(id) FROM {_q(t)}), 0) + 1, false)",
        [t],
    )


# ── upkeep ───────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Partition:
    table: str
    name: str
    bound: str  # PostgreSQL's FOR VALUES … text
    rows: int
    bytes: int


def partitions(cursor: Any, table: str) -> list[Partition]:
    """The partitions of `table`, in name order, with exact row counts and sizes."""
    cursor.execute(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), pg_total_relation_size(c.oid)"
        " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname",
        [table],
    )
    found = []
    for name, bound, size in cursor.fetchall():
        cursor.execute(f"SELECT count(*) FROM {_q(name)}")
        found.append(Partition(table, name, bound, int(cursor.fetchone()[0]), int(size)))
    return found


def _exists(cursor: Any, name: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    return bool(cursor.fetchone()[0])


def ensure_months(
    cursor: Any,
    spec: Spec,
    today: date,
    months_ahead: int = 3,
    *,
    start: YearMonth | None = None,
) -> list[str]:
    """Create the month partitions from `start` (default: this month) to `months_ahead` months
    after today's month that do not exist yet; rows the DEFAULT partition caught for such a month
    move into it. Returns the names created."""
    if spec.by != "month":
        return []
    now = YearMonth(today.year, today.month)
    month, last = min(start or now, now), now + months_ahead
    created = []
    default = default_partition(spec)
    has_default = _exists(cursor, default)
    while month <= last:
        name = month_partition(spec, month)
        if not _exists(cursor, name):
            _create_month(cursor, spec, month, name, default if has_default else None)
            created.append(name)
        month = month + 1
    return created


def _create_month(
    cursor: Any, spec: Spec, month: YearMonth, name: str, default: str | None
) -> None:
    t, key = _q(spec.table), _q(spec.key)
    lo, hi = _bound(month, spec), _bound(month + 1, spec)
    caught = 0
    if default is not None:
        cursor.execute(f"SELECT count(*) FROM {_q(default)} WHERE {key} >= {lo} AND {key} < {hi}")
        caught = int(cursor.fetchone()[0])
    if not caught:
        cursor.execute(f"CREATE TABLE {_q(name)} PARTITION OF {t} FOR VALUES FROM ({lo}) TO ({hi})")
        return
    # Rows for this month sit in the DEFAULT partition: take it out, make the month, move the
    # rows (the audit trail's delete guard is opened for this transaction only), put it back.
    assert default is not None
    cursor.execute(f"ALTER TABLE {t} DETACH PARTITION {_q(default)}")
    cursor.execute(f"CREATE TABLE {_q(name)} PARTITION OF {t} FOR VALUES FROM ({lo}) TO ({hi})")
    cursor.execute(
        f"INSERT INTO {t} SELECT * FROM {_q(default)} WHERE {key} >= {lo} AND {key} < {hi}"
    )
    cursor.execute("SELECT set_config('minzheng.audit_purge', 'on', true)")
    cursor.execute(f"DELETE FROM {_q(default)} WHERE {key} >= {lo} AND {key} < {hi}")
    cursor.execute("SELECT set_config('minzheng.audit_purge', 'off', true)")
    cursor.execute(f"ALTER TABLE {t} ATTACH PARTITION {_q(default)} DEFAULT")


def detach(cursor: Any, spec: Spec, month: YearMonth) -> str:
    """Take a month out of the table: it stays in the database as a plain table of that name, to
    be dumped (`archive_rows`) and dropped. Returns its name."""
    if spec.by != "month":
        raise ValueError(f"{spec.table} 不按月分区，不能按月归档")
    name = month_partition(spec, month)
    if not _exists(cursor, name):
        raise LookupError(f"{spec.table} 没有 {month} 的分区")
    cursor.execute(f"ALTER TABLE {_q(spec.table)} DETACH PARTITION {_q(name)}")
    return name


def attach(cursor: Any, spec: Spec, month: YearMonth) -> str:
    """Put a detached month back (restoring an archive loaded into a table of that name)."""
    name = month_partition(spec, month)
    lo, hi = _bound(month, spec), _bound(month + 1, spec)
    cursor.execute(
        f"ALTER TABLE {_q(spec.table)} ATTACH PARTITION {_q(name)} FOR VALUES FROM ({lo}) TO ({hi})"
    )
    return name


def is_detached(cursor: Any, name: str) -> bool:
    cursor.execute(
        "SELECT to_regclass(%s) IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(%s))",
        [name, name],
    )
    return bool(cursor.fetchone()[0])


# ── migrations ───────────────────────────────────────────────────────────────────────────────


def forwards_for(table: str) -> Any:
    """A RunPython function partitioning `table` on PostgreSQL (other databases: nothing)."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            partition(cursor, SPEC_BY_TABLE[table], date.today())

    return forwards


def backwards_for(table: str) -> Any:
    def backwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            unpartition(cursor, SPEC_BY_TABLE[table])

    return backwards


def ensure_all(cursor: Any, today: date, months_ahead: int = 3) -> dict[str, list[str]]:
    """`ensure_months` for every month-partitioned table that is partitioned here, starting from
    the earliest month the DEFAULT partition caught."""
    created: dict[str, list[str]] = {}
    for spec in SPECS:
        if spec.by != "month" or not is_partitioned(cursor, spec.table):
            continue
        key = _q(spec.key) + (" AT TIME ZONE 'Asia/Shanghai'" if spec.timestamp else "")
        cursor.execute(f"SELECT min({key}) FROM {_q(default_partition(spec))}")
        first = cursor.fetchone()[0]
        start = YearMonth(first.year, first.month) if first is not None else None
        created[spec.table] = ensure_months(cursor, spec, today, months_ahead, start=start)
    return created


def archive_rows(cursor: Any, name: str, path: Any) -> int:
    """Write a (detached) partition's rows to `path` as gzipped CSV with a header; the row count."""
    import gzip

    cursor.execute(f"SELECT count(*) FROM {_q(name)}")
    rows = int(cursor.fetchone()[0])
    with (
        gzip.open(path, "wb") as out,
        cursor.cursor.copy(f"COPY {_q(name)} TO STDOUT WITH (FORMAT csv, HEADER)") as copy,
    ):
        for chunk in copy:
            out.write(bytes(chunk))
    return rows
