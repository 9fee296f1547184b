"""Synthetic departmental feeds for the whole city: streamed, chunked, deterministic Parquet files.

`verification.synthetic.emit` writes the feeds of a small city's enrolled households in memory.
This module writes the eleven feeds of a city of millions the way the departments would answer:

- the departments that answer the verification request (`hrss`, `tax`, `estate`, `vehicle`,
  `market`, `housing_fund`, `bank`, `disability`) send rows for every member of every enrolled
  household and open application — ordinary rows that raise nothing (a small pension, a small home,
  a little money, a cancelled business, a disability certificate);
- `police` and `funeral` send the month's events for the whole population: deaths (about
  `death_rate` a year), hukou moves out and in (some moved back within the month);
- `medical` sends every settled bill of every resident for the 12 months up to the month (a share
  `medical_share` of the residents settles bills each month), so the rolling 12-month high-cost
  warning has its data — the tens of millions of rows;
- every `plant_every`-th enrolled 低保 household gets one planted situation in turn, exactly as
  `synthetic.emit` plants them (it writes those households' rows), plus its residents outside
  assistance, the person not in the registry and the broken rows.

Ordinary bills are small (at most `ORDINARY_BILL_MAX` 元 self-paid, so at most 12 × that a year),
below both medical limits of any household with an income on file, so the ordinary rows raise
nothing. A random death or move of a member of an enrolled household is a truth too: the monitor
must find it. The population is read in chunks of persons by id (bounded memory) and each chunk
draws from its own seed, so the same registry, month and seed give the same rows.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from minzheng.core.yearmonth import YearMonth
from minzheng.verification.feeds import FEEDS
from minzheng.verification.synthetic import EnrolledHousehold, Truth, emit

ORDINARY_BILL_MAX = 40  # 元 self-paid per ordinary bill: 12 a year stay under every limit
VISIT_KINDS = ("outpatient", "pharmacy", "chronic", "inpatient")
VISIT_WEIGHTS = (0.55, 0.35, 0.08, 0.02)


@dataclass
class CityFeeds:
    month: YearMonth
    directory: Path
    files: dict[str, Path] = field(default_factory=dict)
    rows: Counter[str] = field(default_factory=Counter)
    truths: list[Truth] = field(default_factory=list)
    bad_rows: Counter[str] = field(default_factory=Counter)
    persons: int = 0
    requested: int = 0
    planted_households: int = 0

    def summary(self) -> dict[str, Any]:
        return {
            "month": str(self.month),
            "persons": self.persons,
            "requested_persons": self.requested,
            "planted_households": self.planted_households,
            "rows": dict(sorted(self.rows.items())),
            "total_rows": sum(self.rows.values()),
            "truths": len(self.truths),
            "bad_rows": dict(sorted(self.bad_rows.items())),
        }

    def write_truths(self, path: Path) -> None:
        with path.open("w", encoding="utf-8") as handle:
            for t in self.truths:
                handle.write(
                    json.dumps(
                        {"kind": t.kind, "id_number": t.id_number, "household_id": t.household_id},
                        ensure_ascii=False,
                    )
                    + "\n"
                )


@dataclass(frozen=True, slots=True)
class Population:
    """One chunk of living persons: ids, plain ID numbers, co-resident household (0 if none)."""

    person_id: np.ndarray
    id_number: list[str]
    household_id: np.ndarray


class _Writers:
    """One Parquet writer per source, all columns text (as the departments deliver them)."""

    def __init__(self, directory: Path, month: YearMonth) -> None:
        self.directory = directory
        self.month = month
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.paths: dict[str, Path] = {}
        self.rows: Counter[str] = Counter()
        for source, spec in FEEDS.items():
            schema = pa.schema([(c, pa.string()) for c in spec.header])
            path = directory / f"{source}-{month}.parquet"
            self.paths[source] = path
            self.writers[source] = pq.ParquetWriter(path, schema, compression="zstd")

    def write(self, source: str, columns: dict[str, Any]) -> None:
        header = FEEDS[source].header
        arrays = [pa.array(_texts(columns.get(c)), type=pa.string()) for c in header]
        n = len(arrays[0])
        if not n:
            return
        self.writers[source].write_table(pa.Table.from_arrays(arrays, names=list(header)))
        self.rows[source] += n

    def write_rows(self, source: str, rows: list[dict[str, Any]]) -> None:
        header = FEEDS[source].header
        self.write(source, {c: [r.get(c) for r in rows] for c in header})

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()


def _texts(values: Any) -> list[str | None]:
    if values is None:
        return []
    out: list[str | None] = []
    for v in values:
        if v is None or v == "":
            out.append(None)
        elif isinstance(v, date):
            out.append(v.isoformat())
        else:
            out.append(str(v))
    return out


def _fen_text(fen: np.ndarray) -> list[str]:
    """Integer fen → '123.45' (元, two decimals), vectorised."""
    yuan = (fen // 100).astype(str)
    cents = np.char.zfill((fen % 100).astype(str), 2)
    return list(np.char.add(np.char.add(yuan, "."), cents))


def _days_text(first: date, offsets: np.ndarray) -> list[str]:
    base = np.datetime64(first.isoformat())
    return list(np.datetime_as_string(base + offsets.astype("timedelta64[D]"), unit="D"))


def emit_city(
    directory: Path,
    month: YearMonth,
    *,
    population: Callable[[], Iterator[Population]],
    requested: dict[int, int],
    planted: list[EnrolledHousehold],
    residents: list[tuple[str, int | None]],
    standard: Decimal,
    money_years: int,
    seed: int = 0,
    medical_share: float = 0.2,
    death_rate: float = 0.007,
    move_rate: float = 0.01,
    progress: Callable[[int], None] | None = None,
) -> CityFeeds:
    """Write the month's eleven feeds for the whole city into `directory` (one Parquet a source).

    `population` yields chunks of living persons; `requested` maps every person of the
    verification request (members of enrolled households and open applications) to their
    household; `enrolled` persons are those of `requested` whose household is enrolled — a random
    death or move of one of them is a truth. `planted` households get `synthetic.emit`'s rows only.
    """
    directory.mkdir(parents=True, exist_ok=True)
    out = CityFeeds(month, directory)
    writers = _Writers(directory, month)
    planted_people = {m.person_id for hh in planted for m in hh.members}
    first_seen: dict[int, int] = {}  # household → its first requested member met (by id)
    try:
        for chunk_no, chunk in enumerate(population()):
            rng = np.random.default_rng([seed, chunk_no])
            _medical_rows(writers, rng, chunk, month, medical_share)
            truths = _events(writers, rng, chunk, month, death_rate, move_rate, requested)
            out.truths.extend(truths)  # a planted household's member can die too: still a truth
            _answers(writers, rng, chunk, month, requested, planted_people, first_seen)
            out.persons += len(chunk.person_id)
            if progress:
                progress(len(chunk.person_id))
        small = emit(
            planted,
            month,
            standard=standard,
            money_years=money_years,
            residents=residents,
            seed=seed,
        )
        for source, rows in small.rows.items():
            writers.write_rows(source, rows)
        out.truths.extend(small.truths)
        out.bad_rows.update(small.bad_rows)
    finally:
        writers.close()
    out.files = dict(writers.paths)
    out.rows = writers.rows
    out.requested = len(requested)
    out.planted_households = len(planted)
    return out


def _medical_rows(
    writers: _Writers, rng: np.random.Generator, chunk: Population, month: YearMonth, share: float
) -> None:
    """Twelve months of ordinary bills: each month a share of the chunk settles one bill."""
    n = len(chunk.person_id)
    ids = np.array(chunk.id_number, dtype=object)
    for back in range(11, -1, -1):
        m = month - back
        first = m.first_day()
        days = (m.last_day() - first).days + 1
        who = np.flatnonzero(rng.random(n) < share)
        k = len(who)
        if not k:
            continue
        self_fen = rng.integers(100, ORDINARY_BILL_MAX * 100 + 1, size=k)
        insurance_fen = rng.integers(0, 200_000, size=k)
        kind_idx = rng.choice(len(VISIT_KINDS), size=k, p=VISIT_WEIGHTS)
        offsets = rng.integers(0, days, size=k)
        zero = ["0.00"] * k
        writers.write(
            "medical",
            {
                "id_number": ids[who],
                "settled_on": _days_text(first, offsets),
                "visit_kind": np.array(VISIT_KINDS)[kind_idx],
                "total_cost": _fen_text(self_fen + insurance_fen),
                "insurance_paid": _fen_text(insurance_fen),
                "critical_illness_paid": zero,
                "assistance_paid": zero,
                "self_paid": _fen_text(self_fen),
            },
        )


def _events(
    writers: _Writers,
    rng: np.random.Generator,
    chunk: Population,
    month: YearMonth,
    death_rate: float,
    move_rate: float,
    requested: dict[int, int],
) -> list[Truth]:
    """The month's deaths and hukou moves for the chunk; those of enrolled members are truths."""
    n = len(chunk.person_id)
    first = month.first_day()
    days = (month.last_day() - first).days + 1
    roll = rng.random(n)
    dead = np.flatnonzero(roll < death_rate / 12)
    moved = np.flatnonzero((roll >= death_rate / 12) & (roll < (death_rate + move_rate) / 12))
    death_days = rng.integers(0, days, size=len(dead))
    move_days = rng.integers(0, days - 1, size=len(moved))
    back = rng.random(len(moved)) < 0.2  # moved back within the month: no warning
    # newcomers' hukou_in (never a requested person: it would cancel a move): raise nothing
    outside = np.array([pid not in requested for pid in chunk.person_id.tolist()], dtype=bool)
    arrivals = (rng.random(n) < move_rate / 12) & outside
    ids = chunk.id_number
    police: dict[str, list[Any]] = {"id_number": [], "event": [], "event_date": []}
    funeral: dict[str, list[Any]] = {"id_number": [], "death_date": [], "cremated_on": []}
    truths = []
    for i, offset in zip(dead.tolist(), death_days.tolist(), strict=True):
        day = first + timedelta(days=offset)
        police["id_number"].append(ids[i])
        police["event"].append("death")
        police["event_date"].append(day)
        funeral["id_number"].append(ids[i])
        funeral["death_date"].append(day)
        funeral["cremated_on"].append(min(day + timedelta(days=3), month.last_day()))
        pid = int(chunk.person_id[i])
        if pid in requested and requested[pid] < 0:
            truths.append(Truth("death", ids[i], -requested[pid]))
    for i, offset, returned in zip(moved.tolist(), move_days.tolist(), back.tolist(), strict=True):
        day = first + timedelta(days=offset)
        police["id_number"].append(ids[i])
        police["event"].append("hukou_out")
        police["event_date"].append(day)
        if returned:
            police["id_number"].append(ids[i])
            police["event"].append("hukou_in")
            police["event_date"].append(day + timedelta(days=1))
            continue
        pid = int(chunk.person_id[i])
        if pid in requested and requested[pid] < 0:
            truths.append(Truth("hukou_moved_out", ids[i], -requested[pid]))
    for i in np.flatnonzero(arrivals & (roll >= (death_rate + move_rate) / 12)).tolist():
        police["id_number"].append(ids[i])
        police["event"].append("hukou_in")
        police["event_date"].append(first + timedelta(days=int(i % days)))
    writers.write("police", police)
    writers.write("funeral", funeral)
    return truths


def _answers(
    writers: _Writers,
    rng: np.random.Generator,
    chunk: Population,
    month: YearMonth,
    requested: dict[int, int],
    planted_people: set[int],
    first_seen: dict[int, int],
) -> None:
    """The departments' answers for the requested persons of the chunk (not planted households):
    rows that raise nothing."""
    first = month.first_day()
    ids = chunk.id_number
    pick = [
        i
        for i, pid in enumerate(chunk.person_id.tolist())
        if pid in requested and pid not in planted_people
    ]
    if not pick:
        return
    hrss: dict[str, list[Any]] = {"id_number": [], "month": [], "kind": [], "amount": []}
    tax: dict[str, list[Any]] = {"id_number": [], "year": [], "income": []}
    estate: dict[str, list[Any]] = {c: [] for c in FEEDS["estate"].header}
    market: dict[str, list[Any]] = {c: [] for c in FEEDS["market"].header}
    fund: dict[str, list[Any]] = {c: [] for c in FEEDS["housing_fund"].header}
    bank: dict[str, list[Any]] = {c: [] for c in FEEDS["bank"].header}
    disability: dict[str, list[Any]] = {c: [] for c in FEEDS["disability"].header}
    rolls = rng.random((len(pick), 4))
    deposits = rng.integers(500, 3001, size=len(pick))
    for j, i in enumerate(pick):
        pid = int(chunk.person_id[i])
        household = abs(requested[pid])
        id_number = ids[i]
        if (
            first_seen.setdefault(household, pid) == pid
        ):  # one pension and one small home per household, on its first member
            for back in range(12):
                hrss["id_number"].append(id_number)
                hrss["month"].append(str(month - back))
                hrss["kind"].append("pension")
                hrss["amount"].append("100.00")
            tax["id_number"].append(id_number)
            tax["year"].append(str(first.year - 1))
            tax["income"].append("1200.00")
            for c, v in zip(
                FEEDS["estate"].header,
                (id_number, f"浙2008-{household:08d}", "residential", "18.00", "2008-06-01", None),
                strict=True,
            ):
                estate[c].append(v)
        for c, v in zip(
            FEEDS["bank"].header,
            (id_number, (month - 3).last_day().isoformat(), f"{deposits[j]}.00", "0.00"),
            strict=True,
        ):
            bank[c].append(v)
        if rolls[j, 0] < 0.03:  # a business closed long ago
            for c, v in zip(
                FEEDS["market"].header,
                (
                    id_number,
                    f"92330200MC{pid % 10**8:08d}",
                    "sole_proprietor",
                    "10000.00",
                    "cancelled",
                    "2012-03-01",
                    "2016-08-31",
                ),
                strict=True,
            ):
                market[c].append(v)
        if rolls[j, 1] < 0.05:  # a housing provident fund account from an old job
            for c, v in zip(
                FEEDS["housing_fund"].header,
                (id_number, str(month - 24), "0.00", f"{int(rolls[j, 2] * 5000)}.00"),
                strict=True,
            ):
                fund[c].append(v)
        if rolls[j, 3] < 0.08:  # a disability certificate
            for c, v in zip(
                FEEDS["disability"].header,
                (id_number, "physical", str(1 + pid % 4), "2015-03-01", None),
                strict=True,
            ):
                disability[c].append(v)
    for source, columns in (
        ("hrss", hrss),
        ("tax", tax),
        ("estate", estate),
        ("market", market),
        ("housing_fund", fund),
        ("bank", bank),
        ("disability", disability),
    ):
        writers.write(source, columns)


# ── reading the registry (PostgreSQL or SQLite) ───────────────────────────────────────────────


def decrypt_many(tokens: list[str]) -> list[str]:
    """`Keyring.decrypt` for many tokens, the AEAD objects set up once per key."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from minzheng.core.crypto import NONCE_BYTES, Algorithm, keyring

    ring = keyring()
    aeads: dict[str, Any] = {}
    out = []
    for token in tokens:
        key_id, _, payload = token.partition(":")
        key = ring.keys.get(key_id)
        if key is None or key.algorithm is not Algorithm.AES_GCM:
            out.append(ring.decrypt(token))
            continue
        aead = aeads.get(key_id) or aeads.setdefault(key_id, AESGCM(key.secret))
        raw = base64.b64decode(payload)
        out.append(aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], key_id.encode()).decode())
    return out


POPULATION_SQL = """
SELECT p.id, p.id_number_cipher FROM registry_person p
WHERE p.id > %s AND p.date_of_death IS NULL AND p.id_number_cipher <> ''
ORDER BY p.id LIMIT %s
"""

REQUESTED_SQL = """
SELECT ms.person_id, ms.household_id,
       CASE WHEN ms.household_id IN (
            SELECT e.household_id FROM assistance_enrolment e
            WHERE e.status IN ('active', 'gradual_exit') AND e.start_month <= %s
              AND (e.end_month IS NULL OR e.end_month > %s)) THEN 1 ELSE 0 END
FROM registry_membership ms JOIN registry_household h ON h.id = ms.household_id
WHERE ms.lives_together = %s AND ms.valid_from <= %s
  AND (ms.valid_to IS NULL OR ms.valid_to > %s) AND h.closed_on IS NULL
  AND ms.household_id IN (
      SELECT e.household_id FROM assistance_enrolment e
      WHERE e.status IN ('active', 'gradual_exit') AND e.start_month <= %s
        AND (e.end_month IS NULL OR e.end_month > %s)
      UNION SELECT a.household_id FROM applications_application a WHERE a.step IN ({steps}))
"""


def population_chunks(chunk_persons: int) -> Callable[[], Iterator[Population]]:
    from django.db import connection

    def chunks() -> Iterator[Population]:
        last = 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute(POPULATION_SQL, [last, chunk_persons])
                rows = cursor.fetchall()
            if not rows:
                return
            last = int(rows[-1][0])
            ids = np.array([r[0] for r in rows], dtype=np.int64)
            yield Population(ids, decrypt_many([r[1] for r in rows]), np.zeros(len(ids), np.int64))

    return chunks


def requested_persons(month: YearMonth) -> dict[int, int]:
    """Person → household for every member of the verification request; the household is
    negative when it is enrolled in the month (the monitor looks at those)."""
    from django.db import connection

    from minzheng.verification.actions import OPEN_STEPS

    first, last = month.first_day(), month.last_day()
    sql = REQUESTED_SQL.format(steps=", ".join(["%s"] * len(OPEN_STEPS)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [first, first, True, last, last, first, first, *OPEN_STEPS])
        rows = cursor.fetchall()
    return {int(p): (-int(h) if enrolled else int(h)) for p, h, enrolled in rows}


def emit_registry_feeds(
    directory: Path,
    month: YearMonth,
    *,
    seed: int = 0,
    plant_every: int = 50,
    medical_share: float = 0.2,
    chunk_persons: int = 500_000,
    residents: int = 20,
    progress: Callable[[int], None] | None = None,
) -> CityFeeds:
    """The whole registry's feeds for the month (see `emit_city`), planted truths included."""
    from minzheng.monitoring.jobs import policies
    from minzheng.verification.demo import enrolled_households, residents_outside

    households = enrolled_households(month)
    planted = households[::plant_every]
    requested = requested_persons(month)
    policy = policies({"330200"}, month.first_day())["330200"]
    outside = residents_outside(residents, {hh.household_id for hh in households})
    return emit_city(
        directory,
        month,
        population=population_chunks(chunk_persons),
        requested=requested,
        planted=planted,
        residents=outside,
        standard=policy.standard.value,
        money_years=policy.dibao_money_years.value,
        seed=seed,
        medical_share=medical_share,
        progress=progress,
    )
