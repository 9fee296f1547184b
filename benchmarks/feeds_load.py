"""Checking and loading a large feed file: the set-based check (`verification/feedcheck.py`) and
file loader (`verification/bulkload.py`) against the row parser and the upload path, same run.

Writes a synthetic `medical` file (N bills over N/3 persons, a few broken rows of every kind), then:
  - checks it with the row parser (`feeds._parse_row`, row by row) and with `feedcheck`; the
    verdicts must be identical (same errors, same good rows); rows/s and the ratio;
  - loads one half through the upload path (`actions.do_load_feed`: row parser + ORM) and the
    other half through `bulkload.do_load_feed_file` (set-based check, COPY on PostgreSQL); rows/s
    and the ratio.
Prints JSON lines. SQLite under a temporary MINZHENG_VAR_DIR unless DATABASE_URL is set.
Run: .venv/bin/python benchmarks/feeds_load.py [--quick] [--rows N]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

try:
    import minzheng  # noqa: F401
except ModuleNotFoundError:  # run from a checkout without an editable install
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def emit(record: dict[str, object]) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


def medical_rows(n: int, seed: int) -> list[dict[str, str]]:
    from minzheng.core.idnumber import check_digit

    rng = random.Random(seed)
    people = []
    for i in range(max(n // 3, 1)):
        first17 = (
            f"330203{1940 + i % 60}{1 + i % 12:02d}{1 + i % 28:02d}{(seed * 1000 + i) % 1000:03d}"
        )
        people.append(first17 + check_digit(first17))
    rows = []
    for k in range(n):
        self_paid = rng.randint(0, 4000)
        insurance = rng.randint(0, 20000)
        rows.append(
            {
                "id_number": people[k % len(people)],
                "settled_on": f"2020-{1 + k % 12:02d}-{1 + k % 28:02d}",
                "visit_kind": rng.choice(["outpatient", "inpatient", "chronic", "pharmacy"]),
                "total_cost": f"{(self_paid + insurance) / 100:.2f}",
                "insurance_paid": f"{insurance / 100:.2f}",
                "critical_illness_paid": "0",
                "assistance_paid": "0",
                "self_paid": f"{self_paid / 100:.2f}",
            }
        )
    broken = [
        {"id_number": "330203195001011239"},
        {"settled_on": "2020-02-30"},
        {"visit_kind": "spa"},
        {"self_paid": "-5"},
        {"total_cost": "1.234"},
        {"self_paid": "999.99"},
    ]
    for j, change in enumerate(broken):
        rows[(j * 7919) % n] = rows[(j * 7919) % n] | change
    return rows


def parquet(rows: list[dict[str, str]]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    header = list(rows[0])
    buffer = io.BytesIO()
    pq.write_table(pa.table({c: [r[c] for r in rows] for c in header}), buffer)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument("--rows", type=int, default=None)
    args = parser.parse_args()
    n = args.rows or (6_000 if args.quick else 200_000)
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("MINZHENG_VAR_DIR", tempfile.mkdtemp(prefix="mz-bench-feeds-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from minzheng.core.crypto import ensure_key_file, key_file_path, reset_keyring_cache
    from minzheng.verification import feedcheck, feeds
    from minzheng.verification.actions import do_load_feed
    from minzheng.verification.bulkload import do_load_feed_file

    if not os.environ.get("MINZHENG_KEYS"):
        ensure_key_file(key_file_path())
        reset_keyring_cache()
    call_command("migrate", interactive=False, verbosity=0)
    today = date(2021, 3, 15)
    spec = feeds.FEEDS["medical"]
    data = parquet(medical_rows(n, seed=1))
    workdir = Path(tempfile.mkdtemp(prefix="mz-bench-feedfile-"))
    path = workdir / "medical.parquet"
    path.write_bytes(data)

    feeds._parse_id.cache_clear()
    t0, c0 = time.perf_counter(), time.process_time()
    _header, records = feeds.read_table(data)
    row_errors, row_keys = [], []
    for number, record in enumerate(records, start=1):
        row, errors = feeds._parse_row(spec, number, record, today)
        row_errors.extend(errors)
        if row is not None and not errors:
            row_keys.append(row.key)
    row_seconds, row_cpu = time.perf_counter() - t0, time.process_time() - c0

    feeds._parse_id.cache_clear()
    t0, c0 = time.perf_counter(), time.process_time()
    set_errors, set_keys = [], []
    for part in feedcheck.parquet_parts(spec, path, 500_000):
        checked = feedcheck.check_part(spec, part, today)
        set_errors.extend(checked.errors)
        set_keys.extend(checked.good.column("key").to_pylist())
    set_seconds, set_cpu = time.perf_counter() - t0, time.process_time() - c0
    emit(
        {
            "benchmark": "feeds_check",
            "rows": n,
            "bad_rows": len({e.row for e in row_errors}),
            "identical": row_errors == set_errors and row_keys == set_keys,
            "row_parser_rows_per_second": round(n / row_seconds),
            "set_based_rows_per_second": round(n / set_seconds),
            "ratio": round(row_seconds / set_seconds, 1),
            "cpu_ratio": round(row_cpu / set_cpu, 1),
            "load_average": os.getloadavg()[0],
        }
    )

    half = n // 2
    upload = parquet(medical_rows(half, seed=2))
    file_path = workdir / "medical-file.parquet"
    file_path.write_bytes(parquet(medical_rows(half, seed=3)))
    t0 = time.perf_counter()
    uploaded = do_load_feed(None, "medical", upload, filename="medical-upload.parquet")
    upload_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    loaded = do_load_feed_file(None, "medical", file_path)
    file_seconds = time.perf_counter() - t0
    emit(
        {
            "benchmark": "feeds_load",
            "database": connection.vendor,
            "rows": half,
            "upload_path_accepted": uploaded.rows_accepted,
            "file_path_accepted": loaded.rows_accepted,
            "upload_path_rows_per_second": round(half / upload_seconds),
            "file_path_rows_per_second": round(half / file_seconds),
            "ratio": round(upload_seconds / file_seconds, 1),
            "load_average": os.getloadavg()[0],
        }
    )
    return 0 if row_errors == set_errors and row_keys == set_keys else 1


if __name__ == "__main__":
    sys.exit(main())
