"""The whole synthetic city on PostgreSQL: persons per second, peak RSS, and the ratio against a
plain COPY of the same rows in the same run; the counts and spending the rules produced against
the article; the client's CPU seconds (all threads) and the load average around the run, since the
2-core machine is shared.

    .venv/bin/python benchmarks/city_seed.py [--quick] [--persons N] [--chunk-persons N] [--keep-keys FILE]

`ningbo` scale (9,404,283 persons) by default; --quick writes 20,000 persons in chunks of 5,000.
The database is a scratch one on BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432),
dropped and created afresh: `minzheng_bench_city` (`…_quick` with --quick) and left seeded, with
the `bench_*` copies beside; `--keep-keys FILE` keeps its personal-data keys so that later
commands can read it (`MINZHENG_KEY_FILE=FILE`). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time

TABLES = (
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


def _fresh_database(name: str) -> str:
    import psycopg

    server = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def _plain_copy(spool: str) -> tuple[int, float]:
    """COPY every row the seed wrote out to a file, then time COPY of it into bare copies of the
    tables (no indexes, no constraints): what the same rows cost with nothing else to do."""
    from django.db import connection

    rows = 0
    seconds = 0.0
    raw = connection.connection
    assert raw is not None
    for table in TABLES:
        path = os.path.join(spool, f"{table}.copy")
        with raw.cursor() as cursor, open(path, "wb") as out:
            with cursor.copy(f"COPY {table} TO STDOUT") as copy:
                for block in copy:
                    out.write(block)
            cursor.execute(f"CREATE UNLOGGED TABLE bench_{table} (LIKE {table})")
        raw.commit()
        with raw.cursor() as cursor, open(path, "rb") as source:
            started = time.perf_counter()
            with cursor.copy(f"COPY bench_{table} FROM STDIN") as copy:
                while block := source.read(1 << 20):
                    copy.write(block)
            raw.commit()
            seconds += time.perf_counter() - started
            cursor.execute(f"SELECT count(*) FROM bench_{table}")
            counted = cursor.fetchone()
            rows += int(counted[0]) if counted else 0
        os.remove(path)
    return rows, seconds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--persons", type=int)
    parser.add_argument("--chunk-persons", type=int)
    parser.add_argument(
        "--keep-keys",
        metavar="FILE",
        help="write the run's personal-data keys to FILE, so the seeded database can be reused",
    )
    args = parser.parse_args()
    persons = args.persons or (20_000 if args.quick else 9_404_283)
    chunk = args.chunk_persons or (5_000 if args.quick else 600_000)
    url = _fresh_database("minzheng_bench_city_quick" if args.quick else "minzheng_bench_city")
    with tempfile.TemporaryDirectory(prefix="minzheng-city-") as tmp:
        os.environ.update(
            {
                "DATABASE_URL": url,
                "MINZHENG_VAR_DIR": tmp,
                "DJANGO_SETTINGS_MODULE": "minzheng.settings",
                "MINZHENG_LOG_LEVEL": "WARNING",
            }
        )
        import django

        django.setup()
        from django.core.management import call_command

        from minzheng.core.crypto import Keyring

        os.environ["MINZHENG_KEYS"] = Keyring.generate().to_json()
        if args.keep_keys:
            with open(args.keep_keys, "w", encoding="utf-8") as out:
                out.write(os.environ["MINZHENG_KEYS"])
            os.chmod(args.keep_keys, 0o600)
        from minzheng.regions.loader import load_divisions
        from minzheng.registry.seed import seed_registry

        call_command("migrate", interactive=False, verbosity=0)
        load_divisions()
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        cpu_started = time.process_time()
        # The ningbo path at any size: indexes deferred, two writers (registry/city_seed.py).
        report = seed_registry(
            "ningbo", 2020, persons=persons, chunk_persons=chunk, defer_indexes=True, writers=2
        )
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        load_after = os.getloadavg()[0]
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        rows, copy_seconds = _plain_copy(tmp)
    compared = report.as_dict()["versus_article"]
    print(
        json.dumps(
            {
                "benchmark": "city_seed",
                "database": "postgresql",
                "persons": report.persons,
                "households": report.households,
                "chunks": report.chunks,
                "rows": rows,
                "seconds": round(seconds, 1),
                "client_cpu_seconds": round(cpu_seconds, 1),
                "persons_per_second": round(report.persons / seconds),
                "plain_copy_seconds": round(copy_seconds, 1),
                "ratio_vs_plain_copy": round(seconds / copy_seconds, 2),
                "peak_rss_mb": round(peak_kb / 1024),
                # The machine is shared: the 1-minute load average before and after the seed.
                "load_average": [round(load_before, 2), round(load_after, 2)],
                "diff_pct_vs_article": {k: v["diff_pct"] for k, v in compared.items()},
            },
            ensure_ascii=False,
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
