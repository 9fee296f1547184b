"""Writing the synthetic city: chunk by chunk, resumable, its assistance decided by the rules.

The city is cut into chunks — a county, or a part of a large one — each generated from its own
seed (`generate(..., county=...)`), given economic facts (`economy.draw_facts`), decided by the
batch rules (`economy.evaluate`), and written in one transaction that ends with a chunk marker in
the audit trail. A restarted seed skips the chunks with a marker; an interrupted chunk left
nothing behind, so the rows come out the same (ciphertexts aside: their nonces are random).
"""

from __future__ import annotations

import contextlib
import json
import math
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from minzheng.core.yearmonth import YearMonth
from minzheng.registry import economy
from minzheng.registry.economy import EconomicFacts, Tally
from minzheng.registry.seed import (
    COUNTY_RESIDENTS,
    MEMBERSHIPS_FROM,
    SCALES,
    SEED_OBJECT_TYPE,
    SEQUENCES,
    TAG_SOURCE,
    Days,
    IntArray,
    SeedRefused,
    SyntheticRegistry,
    _iso_days,
    _reset_sequence,
    _timestamp,
    generate,
    seal_many,
)

CHUNK_OBJECT_TYPE = "registry_seed_chunk"
DEFERRED_OBJECT_TYPE = "registry_seed_deferred"
# From this many persons a PostgreSQL seed drops the secondary indexes and foreign keys of the
# tables it fills and rebuilds them once at the end (measured: docs/synthetic_city.md).
DEFER_FROM_PERSONS = 500_000
SEEDED_TABLES = (
    "registry_person",
    "registry_household",
    "registry_membership",
    "registry_identitytag",
    "assistance_incomerecord",
    "assistance_householdasset",
    "assistance_supporterrecord",
    "assistance_adlassessmentrecord",
    "assistance_enrolment",
    "assistance_enrolmentamount",
)
CITY = "330200"
# Persons per chunk: bounds the memory of one chunk (≈ 1.5 GB at 600,000, measured in
# docs/synthetic_city.md) while keeping the number of transactions small.
CHUNK_PERSONS = 600_000
FACTS_FROM = date(2020, 1, 1)  # illustrative: when the economic facts were verified
ADL_ASSESSED_ON = date(2020, 6, 15)  # illustrative
# Illustrative first months of the seeded enrolments, 2015-01 … 2019-12: the seed is the caseload
# as it stood when 2020 began (the article's year pays it from January); the year's new cases come
# from the replayed applications (`registry/year.py`). Never before the beneficiary joined the
# household (`_enrolled_from`).
ENROLLED_FROM_MONTHS = (2015 * 12, 2020 * 12)
ADL_ITEMS = ("eating", "dressing", "transfer", "toileting", "walking_indoors", "bathing")
SUPPORTER_GIVEN = ("建军", "海燕", "立波", "丽娟", "志强", "晓燕", "国栋", "春燕")  # illustrative


@dataclass(frozen=True)
class Chunk:
    index: int
    county: str  # "" for the whole city in one chunk
    part: int
    parts: int
    persons: int
    wanted: dict[str, int]  # the article's counts allotted to this chunk

    def key(self, scale: str, seed: int) -> str:
        return f"{scale}:{seed}:{self.county or 'city'}:{self.part}"

    @property
    def slots(self) -> tuple[int, int]:
        first = self.part * SEQUENCES // self.parts
        return first, (self.part + 1) * SEQUENCES // self.parts - first

    def seed(self, seed: int) -> list[int]:
        return [seed, int(self.county or 0), self.part]


def _allot(total: int, weights: list[int]) -> list[int]:
    """`total` split in proportion to `weights`, largest remainders first (sums exactly)."""
    whole = sum(weights)
    if whole == 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    shares = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def plan(persons: int, chunk_persons: int = CHUNK_PERSONS) -> list[Chunk]:
    """The chunks of a city of `persons`: the whole city in one chunk when it fits, else
    counties in census proportion, large ones in parts."""
    if persons <= chunk_persons:
        return [Chunk(0, "", 0, 1, persons, economy.targets(persons))]
    counties = sorted(COUNTY_RESIDENTS)
    per_county = _allot(persons, [COUNTY_RESIDENTS[c] for c in counties])
    pieces: list[tuple[str, int, int, int]] = []
    for county, n in zip(counties, per_county, strict=True):
        if n == 0:
            continue
        parts = max(1, math.ceil(n / chunk_persons))
        for part, size in enumerate(_allot(n, [1] * parts)):
            pieces.append((county, part, parts, size))
    wanted = economy.targets(persons)
    allotted = {k: _allot(v, [p[3] for p in pieces]) for k, v in wanted.items()}
    return [
        Chunk(i, county, part, parts, size, {k: allotted[k][i] for k in wanted})
        for i, (county, part, parts, size) in enumerate(pieces)
    ]


@dataclass
class CitySeedReport:
    scale: str
    seed: int
    persons: int = 0
    households: int = 0
    memberships: int = 0
    chunks: int = 0
    chunks_written: int = 0
    tags: dict[str, int] = field(default_factory=dict)
    decided: dict[str, int] = field(default_factory=dict)
    already_seeded: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "seed": self.seed,
            "persons": self.persons,
            "households": self.households,
            "memberships": self.memberships,
            "chunks": self.chunks,
            "chunks_written": self.chunks_written,
            "tags": self.tags,
            "decided": self.decided,
            "versus_article": economy.compare(_tally_of(self.decided), self.persons)
            if self.decided
            else {},
            "already_seeded": self.already_seeded,
        }


def _tally_of(values: dict[str, int]) -> Tally:
    return Tally(**values)


def seed_city(
    scale: str,
    seed: int,
    *,
    persons: int | None = None,
    progress: Callable[[str], None] | None = None,
    chunk_persons: int = CHUNK_PERSONS,
    interrupt: Callable[[Chunk], None] | None = None,
    bar: bool = False,
    defer_indexes: bool | None = None,
    writers: int | None = None,
) -> CitySeedReport:
    """Write the synthetic city; resume an interrupted run; refuse a registry it did not write.

    `interrupt` is called inside each chunk's transaction before its marker (tests simulate a kill
    with it: the exception rolls the chunk back). `defer_indexes` (default: on PostgreSQL from
    DEFER_FROM_PERSONS persons) drops the seeded tables' secondary indexes and foreign keys for
    the load and rebuilds them at the end (`_defer_indexes`); `writers` (default: WRITERS
    there, else 1) is how many chunks are written side by side.
    """
    from django.db import connection
    from tqdm import tqdm

    from minzheng.core.models import AuditEvent
    from minzheng.registry.models import Person

    size = persons if persons is not None else SCALES[scale]
    say = progress or (lambda _message: None)
    chunks = plan(size, chunk_persons)
    prefix = f"{scale}:{seed}:"
    finished = AuditEvent.objects.filter(
        object_type=SEED_OBJECT_TYPE, object_id=f"{scale}:{seed}"
    ).first()
    if finished is not None and isinstance(finished.after, dict):
        return _report_from(finished.after, already=True)
    markers = {
        e.object_id: e.after
        for e in AuditEvent.objects.filter(object_type=CHUNK_OBJECT_TYPE)
        if isinstance(e.after, dict)
    }
    foreign = [k for k in markers if not k.startswith(prefix)]
    existing = Person.objects.count()
    if foreign or (existing and not markers):
        raise SeedRefused(
            f"人员库已有 {existing} 人，且不是用同一规模和种子生成的：演示数据只能写入空库",
            code="registry_not_empty",
        )
    from minzheng.regions.loader import load_divisions
    from minzheng.regions.models import Region

    if not Region.objects.exists():
        load_divisions()  # the villages every chunk lives in
    params = _parameters()
    report = CitySeedReport(scale, seed, chunks=len(chunks))
    total = Tally(0, 0, 0, 0, 0, 0, 0, 0)
    todo = [c for c in chunks if c.key(scale, seed) not in markers]
    postgres = connection.vendor == "postgresql"
    if defer_indexes is None:
        defer_indexes = postgres and size >= DEFER_FROM_PERSONS
    restore = _defer_indexes(scale, seed) if defer_indexes and postgres else []
    if postgres:
        with connection.cursor() as cursor:
            # A chunk's rows and its marker commit together: losing the last commits to a crash
            # loses whole chunks, which the next run writes again.
            cursor.execute("SET synchronous_commit = off")
    if writers is None:
        writers = WRITERS if postgres and size >= DEFER_FROM_PERSONS else 1
    feed: queue.Queue[Prepared | BaseException] = queue.Queue(maxsize=1)
    stop = threading.Event()
    producer = threading.Thread(
        target=_produce,
        args=(seed, chunks, todo, params, connection.vendor, feed, stop),
        name="city-seed-producer",
        daemon=True,
    )

    def count(done: dict[str, Any], persons: int) -> None:
        nonlocal total
        report.persons += int(done["persons"])
        report.households += int(done["households"])
        report.memberships += int(done["persons"])
        for tag, n in dict(done["tags"]).items():
            report.tags[tag] = report.tags.get(tag, 0) + int(n)
        total = total + _tally_of(dict(done["decided"]))
        progress_bar.update(persons)

    def next_item() -> Prepared:
        item = feed.get()
        if isinstance(item, BaseException):
            raise item
        say(
            f"第 {item.chunk.index + 1}/{len(chunks)} 块：{item.chunk.county or '全市'} "
            f"第{item.chunk.part + 1}部分 {item.chunk.persons} 人"
        )
        return item

    producer.start()
    try:
        with tqdm(
            total=size, unit="人", disable=not bar, file=sys.stderr, desc="生成"
        ) as progress_bar:
            for chunk in chunks:
                if chunk.key(scale, seed) in markers:
                    count(markers[chunk.key(scale, seed)], chunk.persons)
            if writers <= 1:
                for _ in todo:
                    item = next_item()
                    count(_write_chunk(scale, seed, item, interrupt), item.chunk.persons)
                    report.chunks_written += 1
                    del item
            else:
                _write_in_parallel(scale, seed, len(todo), writers, next_item, count, interrupt)
                report.chunks_written += len(todo)
    finally:
        stop.set()
        while producer.is_alive():
            with contextlib.suppress(queue.Empty):
                feed.get(timeout=0.1)
        producer.join()
    report.decided = total.as_dict()
    if restore:
        say("重建索引和外键约束")
    _finish(report, restore, say)
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET synchronous_commit = on")
        for table in SEEDED_TABLES:
            cursor.execute(f"ANALYZE {table}")
    return report


def _write_in_parallel(
    scale: str,
    seed: int,
    chunks: int,
    writers: int,
    next_item: Callable[[], Prepared],
    count: Callable[[dict[str, Any], int], None],
    interrupt: Callable[[Chunk], None] | None,
) -> None:
    """Write `chunks` prepared chunks on `writers` connections side by side, each chunk in its
    own transaction with its marker (their ids come from the plan, so the order they commit in
    does not matter)."""
    from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

    from django.db import connection

    def write(item: Prepared) -> tuple[dict[str, Any], int]:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
            return _write_chunk(scale, seed, item, interrupt), item.chunk.persons
        finally:
            connection.close()

    running: set[Future[tuple[dict[str, Any], int]]] = set()
    with ThreadPoolExecutor(writers, thread_name_prefix="city-seed-writer") as pool:
        try:
            for _ in range(chunks):
                if len(running) >= writers:
                    finished, running = wait(running, return_when=FIRST_COMPLETED)
                    for future in finished:
                        count(*future.result())
                running.add(pool.submit(write, next_item()))
            for future in running:
                count(*future.result())
        finally:
            for future in running:
                future.cancel()


def _ids(chunks: list[Chunk], chunk: Chunk) -> dict[str, int]:
    """The first ids of a chunk's rows, from the plan alone: every chunk has room for as many
    households and enrolments as it has persons, so the ids do not depend on which chunks were
    written before (a resumed or parallel seed numbers them the same)."""
    first = 1 + sum(c.persons for c in chunks[: chunk.index])
    return dict.fromkeys(ID_TABLES, first)


def _produce(
    seed: int,
    chunks: list[Chunk],
    todo: list[Chunk],
    params: Callable[[str], Any],
    vendor: str,
    feed: queue.Queue[Prepared | BaseException],
    stop: threading.Event,
) -> None:
    """The producer thread: prepares the chunks in order, one ahead of the writers."""
    item: Prepared | BaseException
    for chunk in todo:
        if stop.is_set():
            return
        try:
            item = prepare_chunk(seed, chunk, params, _ids(chunks, chunk), vendor)
        except BaseException as exc:  # handed to the writer, which raises it
            item = exc
        while not stop.is_set():
            try:
                feed.put(item, timeout=0.1)
                break
            except queue.Full:
                continue
        if isinstance(item, BaseException):
            return
        del item


def _defer_indexes(scale: str, seed: int) -> list[list[str]]:
    """Drop the secondary indexes and the foreign-key and unique constraints of the tables the
    seed fills, recording how to rebuild them in the audit trail in the same transaction, so an
    interrupted seed rebuilds them when it finishes. Returns the rebuild statements."""
    from django.db import connection, transaction

    from minzheng.core import audit
    from minzheng.core.models import AuditEvent

    key = f"{scale}:{seed}"
    recorded = AuditEvent.objects.filter(object_type=DEFERRED_OBJECT_TYPE, object_id=key).first()
    if recorded is not None and isinstance(recorded.after, dict):
        return [list(r) for r in recorded.after.get("restore", [])]
    with transaction.atomic(), connection.cursor() as cursor:
        restore = drop_deferred(cursor)
        audit.record(
            None,
            AuditEvent.Action.UPDATE,
            DEFERRED_OBJECT_TYPE,
            key,
            summary=f"生成演示数据：暂时删除 {len(restore)} 个索引和约束，写完后重建",
            after={"restore": restore},
            actor_name="seed",
        )
    return restore


def drop_deferred(cursor: Any) -> list[list[str]]:
    """Drop the secondary indexes and the foreign-key and unique constraints of the seeded tables
    on `cursor`; return the statements that rebuild them, unique constraints and indexes before
    the foreign keys that check against them."""
    tables = list(SEEDED_TABLES)
    cursor.execute(
        "SELECT c.contype, c.conname, c.conrelid::regclass::text, pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c WHERE c.conrelid::regclass::text = ANY(%s) "
        "AND c.contype IN ('f', 'u') ORDER BY c.contype DESC, c.conname",
        [tables],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexname, i.tablename, i.indexdef FROM pg_indexes i "
        "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conindid = to_regclass(quote_ident(i.indexname))) ORDER BY i.indexname",
        [tables],
    )
    indexes = cursor.fetchall()
    restore: list[list[str]] = []
    for _kind, name, table, definition in constraints:  # foreign keys first ('f' > 'u')
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        restore.append(
            ["constraint", name, table, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}']
        )
    for name, table, definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
        restore.append(["index", name, table, definition])
    restore.sort(key=lambda r: r[3].find("FOREIGN KEY") >= 0)
    return restore


WRITERS = 2  # chunks written side by side on PostgreSQL (each in its own transaction)
REBUILD_CONNECTIONS = 2  # index builds run side by side on this many connections
# Memory of each rebuilding connection's sorts (the ningbo seed's largest index sorts 9.4 million
# 40-character keys; 256MB spilled to disk). The server's RAM is not the seed's 4 GB budget.
REBUILD_MAINTENANCE_MEMORY = "1GB"


def _rebuild(restore: list[list[str]], say: Callable[[str], None] = lambda _message: None) -> None:
    """Run the rebuild statements whose index or constraint is not there yet: indexes and unique
    constraints first, largest table first, each connection taking the next statement as it
    finishes one; then the foreign keys, each added NOT VALID (no scan) and validated — VALIDATE
    locks the referenced table only against writes, so other tables' validations run at the same
    time, where a plain ADD CONSTRAINT would lock it against them. Each statement commits by
    itself, so a rebuild that is interrupted carries on where it stopped when run again."""
    import psycopg
    from django.db import connection

    params = dict(connection.get_connection_params())
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_relation_size(oid) FROM pg_class WHERE relname = ANY(%s)",
            [list(SEEDED_TABLES)],
        )
        size = {str(name): int(n) for name, n in cursor.fetchall()}

    def run(work: queue.SimpleQueue[list[str]]) -> None:
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.execute(f"SET maintenance_work_mem = '{REBUILD_MAINTENANCE_MEMORY}'")
            conn.execute("SET synchronous_commit = off")
            while True:
                try:
                    kind, name, table, sql = work.get_nowait()
                except queue.Empty:
                    return
                started = time.perf_counter()
                if kind == "index":
                    row = conn.execute(
                        "SELECT to_regclass(quote_ident(%s)) IS NOT NULL", [name]
                    ).fetchone()
                    if not (row and row[0]):
                        conn.execute(sql)
                else:
                    row = conn.execute(
                        "SELECT convalidated FROM pg_constraint WHERE conname = %s "
                        "AND conrelid = %s::regclass",
                        [name, table],
                    ).fetchone()
                    foreign = "FOREIGN KEY" in sql
                    if row is None:
                        conn.execute(sql + (" NOT VALID" if foreign else ""))
                    if foreign and not (row and row[0]):
                        conn.execute(f'ALTER TABLE {table} VALIDATE CONSTRAINT "{name}"')
                say(f"重建 {name}（{table}）{time.perf_counter() - started:.1f} 秒")

    foreign = [r for r in restore if "FOREIGN KEY" in r[3]]
    first = [r for r in restore if "FOREIGN KEY" not in r[3]]
    _in_parallel(run, sorted(first, key=lambda r: (-size.get(r[2], 0), r[2], r[1])))
    # Two validations of one table wait for each other: deal the tables out in turn.
    by_table: dict[str, list[list[str]]] = {}
    for r in sorted(foreign, key=lambda r: (-size.get(r[2], 0), r[2], r[1])):
        by_table.setdefault(r[2], []).append(r)
    lanes = list(by_table.values())
    dealt = [
        lane[i] for i in range(max(map(len, lanes), default=0)) for lane in lanes if i < len(lane)
    ]
    _in_parallel(run, dealt)


def _in_parallel(
    run: Callable[[queue.SimpleQueue[list[str]]], None], statements: list[list[str]]
) -> None:
    """`statements` in this order, each taken by the next of REBUILD_CONNECTIONS free."""
    from concurrent.futures import ThreadPoolExecutor

    work: queue.SimpleQueue[list[str]] = queue.SimpleQueue()
    for statement in statements:
        work.put(statement)
    with ThreadPoolExecutor(REBUILD_CONNECTIONS) as pool:
        for future in [pool.submit(run, work) for _ in range(REBUILD_CONNECTIONS)]:
            future.result()


def decide_only(
    seed: int, persons: int, *, chunk_persons: int = CHUNK_PERSONS, bar: bool = False
) -> Tally:
    """Generate every chunk and let the rules decide, writing nothing: the counts and spending
    the seed would produce (for `minzheng seed --dry-run` and the benchmark)."""
    from tqdm import tqdm

    params = _parameters()
    total = Tally(0, 0, 0, 0, 0, 0, 0, 0)
    with tqdm(total=persons, unit="人", disable=not bar, file=sys.stderr, desc="认定") as progress:
        for chunk in plan(persons, chunk_persons):
            data, facts, result = chunk_data(seed, chunk, params)
            total = total + economy.tally(data.household, data.household_head, facts, result)
            progress.update(chunk.persons)
    return total


def _report_from(after: dict[str, Any], *, already: bool) -> CitySeedReport:
    return CitySeedReport(
        scale=str(after["scale"]),
        seed=int(after["seed"]),
        persons=int(after["persons"]),
        households=int(after["households"]),
        memberships=int(after["memberships"]),
        chunks=int(after.get("chunks", 1)),
        chunks_written=0,
        tags=dict(after.get("tags", {})),
        decided=dict(after.get("decided", {})),
        already_seeded=already,
    )


def _finish(
    report: CitySeedReport,
    restore: list[list[str]],
    say: Callable[[str], None] = lambda _message: None,
) -> None:
    from django.db import transaction

    from minzheng.core import audit
    from minzheng.core.models import AuditEvent

    if restore:
        _rebuild(restore, say)
    with transaction.atomic():
        for table in SEEDED_TABLES:
            _reset_sequence(table)
        after = report.as_dict()
        audit.record(
            None,
            AuditEvent.Action.CREATE,
            SEED_OBJECT_TYPE,
            f"{report.scale}:{report.seed}",
            summary=f"生成演示数据：{report.persons} 人，{report.households} 户（{report.scale}，种子 {report.seed}）",
            after=after,
            actor_name="seed",
        )


def _parameters() -> Callable[[str], Any]:
    """County → ParameterSet on the decision day, from the database rows (the one resolver)."""
    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.assistance.models import PolicyParameter
    from minzheng.assistance.queries import parameter_sets

    if not PolicyParameter.objects.exists():
        do_load_parameter_catalog(None)
    sets = parameter_sets([CITY, *sorted(COUNTY_RESIDENTS)], economy.DECISION_DAY)
    return sets.__getitem__


def chunk_data(
    seed: int, chunk: Chunk, params: Callable[[str], Any]
) -> tuple[SyntheticRegistry, EconomicFacts, Any]:
    """One chunk's persons, facts and the rules' decisions (pure apart from `params`)."""
    from minzheng.assistance.policy import load_policy

    data = generate(chunk.persons, chunk.seed(seed), county=chunk.county or None, slots=chunk.slots)
    policy = load_policy(params(chunk.county or CITY))
    facts, result = economy.decide(
        data,
        rng=np.random.default_rng([*chunk.seed(seed), 1]),
        policy=policy,
        params=params,
        wanted=chunk.wanted,
    )
    return data, facts, result


@dataclass
class Prepared:
    """One chunk ready to write: its rows (CSV blocks on PostgreSQL, columns on SQLite), the ids
    it was numbered from, and its marker."""

    chunk: Chunk
    ids: dict[str, int]
    tables: list[tuple[str, Any]]
    done: dict[str, Any]
    households: int
    enrolments: int


ID_TABLES = {"person": "registry_person", "household": "registry_household"}
ID_TABLES["enrolment"] = "assistance_enrolment"


def prepare_chunk(
    seed: int, chunk: Chunk, params: Callable[[str], Any], ids: dict[str, int], vendor: str
) -> Prepared:
    """Generate, decide, seal and encode one chunk, numbering its rows from `ids` (no database
    access: this runs in the producer thread while the previous chunk is being written)."""
    from minzheng.registry.seed import csv_rows

    data, facts, result = chunk_data(seed, chunk, params)
    tally = economy.tally(data.household, data.household_head, facts, result)
    sealed = _seal(data)
    now = _timestamp(datetime.now(UTC), vendor)
    tables: list[tuple[str, Any]] = []

    def sink(table: str, columns: dict[str, Any]) -> None:
        tables.append((table, csv_rows(table, columns) if vendor == "postgresql" else columns))

    pid, hid = ids["person"], ids["household"]
    _write_people(data, facts, sealed, pid, hid, now, sink)
    del sealed
    _write_facts(data, facts, pid, hid, now, sink)
    tags, enrolments = _write_decisions(
        seed, chunk, data, facts, result, pid, hid, ids["enrolment"], now, sink
    )
    done = {
        "persons": data.persons,
        "households": data.households,
        "tags": tags,
        "decided": tally.as_dict(),
    }
    return Prepared(chunk, dict(ids), tables, done, data.households, enrolments)


def _write_chunk(
    scale: str,
    seed: int,
    prepared: Prepared,
    interrupt: Callable[[Chunk], None] | None,
) -> dict[str, Any]:
    from django.db import connection, transaction

    from minzheng.core import audit
    from minzheng.core.models import AuditEvent
    from minzheng.registry.seed import _insert, copy_csv

    chunk = prepared.chunk
    with transaction.atomic():
        for table, rows in prepared.tables:
            if connection.vendor == "postgresql":
                copy_csv(table, *rows)
            else:
                _insert(table, rows)
        if interrupt is not None:
            interrupt(chunk)
        audit.record(
            None,
            AuditEvent.Action.CREATE,
            CHUNK_OBJECT_TYPE,
            chunk.key(scale, seed),
            summary=f"生成演示数据分块：{chunk.county or '全市'} 第{chunk.part + 1}部分，{prepared.done['persons']} 人",
            after=prepared.done,
            actor_name="seed",
        )
    return prepared.done


def _seal(data: SyntheticRegistry) -> tuple[list[str], ...]:
    id_cipher, id_index, id_masked = seal_many("id_number", data.id_number.tolist())
    phones = data.phone.tolist()
    with_phone = [i for i, p in enumerate(phones) if p]
    sealed = seal_many("phone", [phones[i] for i in with_phone])
    phone_columns: list[list[str]] = [[""] * len(phones) for _ in range(3)]
    for column, values in zip(phone_columns, sealed, strict=True):
        for i, value in zip(with_phone, values, strict=True):
            column[i] = value
    return id_cipher, id_index, id_masked, *phone_columns


Sink = Callable[[str, dict[str, Any]], None]


def _write_people(
    data: SyntheticRegistry,
    facts: EconomicFacts,
    sealed: tuple[list[str], ...],
    pid: int,
    hid: int,
    now: str,
    sink: Sink,
) -> None:
    id_cipher, id_index, id_masked, phone_cipher, phone_index, phone_masked = sealed
    village = data.village
    death: list[str | None] = [None] * data.persons
    for person, day in zip(facts.late_death.tolist(), _iso_days(facts.death_ordinal), strict=True):
        death[person] = day
    illness = np.where(data.illness != "", np.char.add(np.char.add('["', data.illness), '"]'), "[]")
    sink(
        "registry_person",
        {
            "id": range(pid, pid + data.persons),
            "name": data.name,
            "id_number_cipher": id_cipher,
            "id_number_index": id_index,
            "id_number_masked": id_masked,
            "sex": data.sex,
            "birth_date": Days(data.birth_ordinal),
            "phone_cipher": phone_cipher,
            "phone_index": phone_index,
            "phone_masked": phone_masked,
            "region_id": village,
            "hukou_region_id": village,
            "hukou_type": data.hukou_type,
            "address": data.address,
            "disability_category": data.disability_category,
            "disability_grade": [g or None for g in data.disability_grade.tolist()],
            "serious_illnesses": illness,
            "labour_capacity": data.labour_capacity,
            "date_of_death": death,
            "created_at": now,
            "updated_at": now,
        },
    )
    sink(
        "registry_household",
        {
            "id": range(hid, hid + data.households),
            "region_id": data.household_village,
            "address": data.household_address,
            "kind": data.household_kind,
            "head_id": data.household_head + pid,
            "head_name": data.name[data.household_head],  # Household.head_name: the head search
            "created_at": now,
            "updated_at": now,
        },
    )
    joined = np.maximum(data.birth_ordinal, MEMBERSHIPS_FROM.toordinal())
    sink(
        "registry_membership",
        {
            "household_id": data.household + hid,
            "person_id": range(pid, pid + data.persons),
            "relationship": data.relationship,
            "lives_together": True,
            "valid_from": Days(joined),
        },
    )


def _enrolled_from(months: IntArray, data: SyntheticRegistry, facts: EconomicFacts) -> IntArray:
    """Ordinals of each household's first assisted month: the facts' own date (渐退 households were
    on 低保 since `facts.enrolled_from`), else the drawn month — but never before the head joined
    the household (a head born later starts the month after birth)."""
    start_day = _first_days(months)
    start_day = np.where(facts.enrolled_from > 0, facts.enrolled_from, start_day)
    joined = np.maximum(data.birth_ordinal, MEMBERSHIPS_FROM.toordinal())[data.household_head]
    first_after = _first_days(_months_of(joined) + 1)
    return np.where(start_day < joined, first_after, start_day).astype(np.int64)


def _months_of(ordinals: IntArray) -> IntArray:
    """year × 12 + month − 1 of each day ordinal."""
    days = (np.asarray(ordinals, dtype=np.int64) - _EPOCH).astype("datetime64[D]")
    return np.asarray(days.astype("datetime64[M]").astype(np.int64) + 1970 * 12, dtype=np.int64)


def _rows(n: int, value: Any) -> list[Any]:
    return [value] * n


def _first_days(months: IntArray) -> IntArray:
    """Ordinals of the first days of months counted as year × 12 + month − 1."""
    first = (np.asarray(months, dtype=np.int64) - 1970 * 12).astype("datetime64[M]")
    return np.asarray(first.astype("datetime64[D]").astype(np.int64) + _EPOCH, dtype=np.int64)


_EPOCH = date(1970, 1, 1).toordinal()


def _write_facts(
    data: SyntheticRegistry, facts: EconomicFacts, pid: int, hid: int, now: str, sink: Sink
) -> None:
    earning = np.flatnonzero(facts.income_kind != "")
    sink(
        "assistance_incomerecord",
        {
            "person_id": earning + pid,
            "kind": facts.income_kind[earning],
            "monthly_amount": facts.income_yuan[earning],
            "valid_from": Days(facts.income_from[earning]),
            "valid_to": None,
            "source": "verified",
            "note": "合成数据",
            "created_at": now,
        },
    )
    H = data.households
    money = np.arange(H)
    vehicles, homes, shops = facts.vehicle_household, facts.home_household, facts.shop_household
    households = np.concatenate([money, vehicles, homes, shops])
    n = len(households)
    sink(
        "assistance_householdasset",
        {
            "household_id": households + hid,
            "kind": ["money"] * H
            + ["vehicle"] * len(vehicles)
            + ["home"] * len(homes)
            + ["nonresidential"] * len(shops),
            "amount": facts.money_yuan.tolist() + [None] * (n - H),
            "vehicle_kind": [""] * H
            + facts.vehicle_kind.tolist()
            + [""] * (len(homes) + len(shops)),
            "nonresidential_kind": [""] * (n - len(shops)) + ["shop"] * len(shops),
            "is_only_home": False,
            "floor_area": [None] * (H + len(vehicles))
            + facts.home_area.tolist()
            + [None] * len(shops),
            "valid_from": FACTS_FROM.isoformat(),
            "valid_to": None,
            "note": "合成数据",
            "created_at": now,
        },
    )
    s = facts.supporter_person
    surnames = [name[:1] for name in data.name[s].tolist()]
    given = [SUPPORTER_GIVEN[i % len(SUPPORTER_GIVEN)] for i in range(len(s))]
    born = economy.DECISION_DAY.toordinal() - np.floor(facts.supporter_age * 365.2425 + 100)
    sink(
        "assistance_supporterrecord",
        {
            "person_id": (s + pid).tolist(),
            "name": [a + b for a, b in zip(surnames, given, strict=True)],
            "birth_date": _iso_days(born.astype(np.int64)),
            "monthly_income": facts.supporter_income_yuan.tolist(),
            "disability_category": "",
            "disability_grade": None,
            "valid_from": FACTS_FROM.isoformat(),
            "valid_to": None,
            "created_at": _rows(len(s), now),
        },
    )
    failed = facts.adl_failed
    sink(
        "assistance_adlassessmentrecord",
        {
            "person_id": (facts.adl_person + pid).tolist(),
            "assessed_on": ADL_ASSESSED_ON.isoformat(),
            **{item: (failed <= k).tolist() for k, item in enumerate(ADL_ITEMS)},
            "created_at": _rows(len(failed), now),
        },
    )


def _write_decisions(
    seed: int,
    chunk: Chunk,
    data: SyntheticRegistry,
    facts: EconomicFacts,
    result: Any,
    pid: int,
    hid: int,
    eid: int,
    now: str,
    sink: Sink,
) -> tuple[dict[str, int], int]:
    """Identity tags and enrolments, from what the rules decided — nothing else."""
    from minzheng.assistance.batch import CARE_LEVELS, ROUTE_GRADUAL_EXIT, ROUTE_HOUSEHOLD

    rng = np.random.default_rng([*chunk.seed(seed), 2])
    H = data.households
    hh = data.household
    head = data.household_head
    start_day = _enrolled_from(rng.integers(*ENROLLED_FROM_MONTHS, H), data, facts)
    route = result.dibao_route
    counted = economy.counted(data.relationship)
    single = result.single_person_eligible
    in_household_route = (route[hh] == ROUTE_HOUSEHOLD) & counted
    gradual = (route[hh] == ROUTE_GRADUAL_EXIT) & counted
    dibian = result.dibian_eligible[hh] & ~result.tekun_eligible[hh] & counted & ~single
    tekun_person = head[result.tekun_eligible]
    tagged: list[tuple[str, IntArray]] = [
        ("dibao", np.flatnonzero(in_household_route | single | gradual)),
        ("single_person_dibao", np.flatnonzero(single)),
        ("gradual_exit", np.flatnonzero(gradual)),
        ("dibian", np.flatnonzero(dibian)),
        ("tekun", tekun_person),
    ]
    persons = np.concatenate([p for _, p in tagged]).astype(np.int64)
    sink(
        "registry_identitytag",
        {
            "person_id": persons + pid,
            "tag": np.repeat([tag for tag, _ in tagged], [len(p) for _, p in tagged]),
            "source": TAG_SOURCE,
            "valid_from": Days(start_day[hh[persons]]),
            "valid_to": None,
            "region_id": data.village[persons],
        },
    )
    # Enrolments: 低保 households (active or in 渐退), 单人户 members, 特困 persons and 低边
    # households — 低边 as the approval step enrols it (applications/actions/decision.py): a
    # household enrolment whose amount is the rules' monthly amount, 0 (no monthly cash).
    households = np.flatnonzero(route > 0)
    single_members = np.flatnonzero(single)
    tekun_households = np.flatnonzero(result.tekun_eligible)
    dibian_households = np.flatnonzero(result.dibian_eligible & ~result.tekun_eligible)
    nd = len(dibian_households)
    e_household = np.concatenate(
        [households, hh[single_members], tekun_households, dibian_households]
    )
    e_person: list[int | None] = (
        [None] * len(households)
        + (single_members + pid).tolist()
        + (head[tekun_households] + pid).tolist()
        + [None] * nd
    )
    programme = (
        ["dibao"] * (len(households) + len(single_members))
        + ["tekun"] * len(tekun_households)
        + ["dibian"] * nd
    )
    status = ["gradual_exit" if route[h] == ROUTE_GRADUAL_EXIT else "active" for h in households]
    status += ["active"] * (len(single_members) + len(tekun_households) + nd)
    care = (
        [""] * (len(households) + len(single_members))
        + [CARE_LEVELS[c].value for c in result.tekun_care[tekun_households].tolist()]
        + [""] * nd
    )
    amount_fen = np.concatenate(
        [
            result.dibao_amount_fen[households],
            result.single_person_amount_fen[single_members],
            result.tekun_amount_fen[tekun_households],
            np.zeros(nd, np.int64),
        ]
    )
    routes = (
        ["household" if route[h] == ROUTE_HOUSEHOLD else "gradual_exit" for h in households]
        + ["single_person"] * len(single_members)
        + ["tekun"] * len(tekun_households)
        + ["dibian"] * nd
    )
    # The persons each enrolment counts, as the rules counted them (民发〔2021〕57号 art 7): a
    # 低保 household's members (the 特困 person left out), one per 单人户 or 特困 person, and a
    # 低边 household's members less those enrolled in 低保 on their own.
    alone = np.bincount(hh[single_members], minlength=H)
    e_persons = np.concatenate(
        [
            result.members[households],
            np.ones(len(single_members) + len(tekun_households), np.int64),
            result.members[dibian_households] - alone[dibian_households],
        ]
    )
    n = len(e_household)
    months = Days(start_day[e_household])
    sink(
        "assistance_enrolment",
        {
            "id": range(eid, eid + n),
            "household_id": e_household + hid,
            "person_id": e_person,
            "programme": programme,
            "region_id": data.household_village[e_household],
            "status": status,
            "start_month": months,
            "end_month": None,
            "care_level": care,
            "persons": e_persons,
            "decision": [
                json.dumps(
                    {"route": r, "as_of": economy.DECISION_DAY.isoformat(), "source": TAG_SOURCE}
                    | ({"income_rose": rose} if rose else {}),
                    ensure_ascii=False,
                )
                for r, rose in zip(routes, _income_rose(facts, e_household, routes), strict=True)
            ],
            "created_at": now,
            "updated_at": now,
        },
    )
    sink(
        "assistance_enrolmentamount",
        {
            "enrolment_id": range(eid, eid + n),
            "effective_month": months,
            "amount": [f"{a // 100}.{a % 100:02d}" for a in amount_fen.tolist()],
            "components": "{}",
            "reason": "规则认定（合成数据）",
            "created_at": now,
        },
    )
    return {tag: len(p) for tag, p in tagged}, n


def _income_rose(facts: EconomicFacts, households: IntArray, routes: list[str]) -> list[str]:
    """Per enrolment, the month ("2020-09") a member's work raised a 渐退 household's income, as
    the facts say (`months_since_rise` before the decision month); "" for every other route. The
    replayed year (registry/year.py) puts the household into 渐退 in that month."""
    decision = YearMonth.of(economy.DECISION_DAY)
    since = facts.months_since_rise[households].tolist()
    return [
        str(decision - k) if route == "gradual_exit" and k >= 0 else ""
        for route, k in zip(routes, since, strict=True)
    ]


def chunk_keys(scale: str, seed: int, chunks: Iterable[Chunk]) -> list[str]:
    return [c.key(scale, seed) for c in chunks]
