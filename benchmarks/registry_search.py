"""Person search over 1,000,000 seeded persons, on SQLite and on PostgreSQL.

    .venv/bin/python benchmarks/registry_search.py [--quick] [--backend sqlite|postgresql]
        [--reuse NAME]

Each backend gets a fresh database (a temporary SQLite file; a `minzheng_bench` PostgreSQL
database, created with psycopg and dropped afterwards) seeded with `registry.seed`. Then the
project's own query functions answer ≥ 200 queries of each kind as a township caseworker and as
a city administrator, first page of 20: `search_persons` by name prefix, full ID number (blind
index) and phone; `households_for` by address fragment. Prints p50/p95 in ms as JSON lines.

`--reuse NAME` keeps the seeded database between runs: PostgreSQL database NAME, SQLite file
$MINZHENG_VAR_DIR/NAME.sqlite3 (default /tmp/mz_perf), with the personal-data keys beside it in
NAME.<backend>.keys.json. It is seeded only when it holds fewer persons than asked for, and migrated on
every run (so a new index migration is applied to the seeded data).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = "minzheng_bench"
TOWNSHIP = "330203001000"
CHECKS = 6  # address checks against the plain LIKE: (fragment, last 2 characters, swapped case) × 2


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(backend: str, persons: int, queries: int) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "minzheng.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from minzheng.accounts.actions import do_create_user
    from minzheng.accounts.models import User
    from minzheng.core.crypto import KeyError_
    from minzheng.regions.loader import load_divisions
    from minzheng.registry.models import Household, Person
    from minzheng.registry.queries import households_for, search_persons
    from minzheng.registry.seed import seed_registry

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrate_seconds = time.perf_counter() - started
    seed_seconds = 0.0
    if Person.objects.count() < persons:
        load_divisions()
        started = time.perf_counter()
        seed_registry("city", 2020, persons=persons)
        seed_seconds = time.perf_counter() - started
    if os.environ.get("BENCH_SEED_ONLY"):
        print(
            json.dumps(
                {
                    "benchmark": "registry_search_seed",
                    "database": backend,
                    "persons": persons,
                    "seed_seconds": round(seed_seconds, 1),
                }
            ),
            flush=True,
        )
        return
    actors = {}
    for role, username, region in (
        ("township_caseworker", "bench_township", TOWNSHIP),
        ("city_admin", "bench_city", "330200000000"),
    ):
        existing = User.objects.filter(username=username).first()
        actors[role] = existing or do_create_user(
            None,
            username=username,
            password="Bench#2026-search",
            role=role,
            region_code=region,
        )
    for role, actor in actors.items():
        # Query values come from persons the actor can see, so every query finds someone.
        sample = list(
            Person.objects.visible_to(actor).exclude(phone_index="").order_by("?")[:queries]
        )
        homes = list(Household.objects.visible_to(actor).order_by("?")[:queries])
        kinds = {"name_prefix": [p.name[:2] for p in sample]}
        try:
            kinds["id_number"] = [p.id_number_plain() for p in sample]
            kinds["phone"] = [p.phone_plain() for p in sample]
        except KeyError_:
            # A reused database sealed with other keys: those two searches cannot be sampled.
            print(json.dumps({"benchmark": "registry_search", "skipped": "id_number, phone"}))
        kinds["address"] = [h.address[-8:] for h in homes]
        for kind, values in kinds.items():
            timings, found, checked = [], 0, []
            for value in values:
                t = time.perf_counter()
                if kind == "address":
                    page = list(households_for(actor, value)[:20])
                else:
                    page = list(search_persons(actor, value)[:20])
                timings.append((time.perf_counter() - t) * 1000)
                found += bool(page)
                if kind == "address" and len(checked) < CHECKS:
                    # The index path must return what the plain LIKE does (which may be slow).
                    for probe in (value, value[-2:], value.swapcase()):
                        got = [h.pk for h in households_for(actor, probe)[:20]]
                        like = Household.objects.visible_to(actor).filter(address__contains=probe)
                        want = list(like.order_by("id").values_list("pk", flat=True)[:20])
                        checked.append(got == want)
            print(
                json.dumps(
                    {
                        "benchmark": "registry_search",
                        "database": backend,
                        "persons": persons,
                        "actor": role,
                        "query": kind,
                        "queries": len(values),
                        "found": found,
                        **(
                            {"same_as_like": f"{sum(checked)}/{len(checked)}"}
                            if kind == "address"
                            else {}
                        ),
                        "p50_ms": round(statistics.median(timings), 2),
                        "p95_ms": round(percentile(timings, 0.95), 2),
                        "seed_seconds": round(seed_seconds, 1),
                        "migrate_seconds": round(migrate_seconds, 1),
                    }
                ),
                flush=True,
            )


def run_reused(backend: str, quick: bool, name: str) -> int:
    import psycopg

    env = dict(os.environ)
    var = Path(env.setdefault("MINZHENG_VAR_DIR", "/tmp/mz_perf"))
    var.mkdir(parents=True, exist_ok=True)
    keys = var / f"{name}.{backend}.keys.json"
    if not keys.exists():
        from minzheng.core.crypto import Keyring

        keys.write_text(Keyring.generate().to_json())
    env["MINZHENG_KEYS"] = keys.read_text()
    if backend == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{var / (name + '.sqlite3')}"
    else:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    command = [sys.executable, __file__, "--measure", backend, *(["--quick"] if quick else [])]
    return subprocess.run(command, env=env, check=False).returncode


def run_backend(backend: str, quick: bool) -> int:
    import psycopg

    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="minzheng-search-") as tmp:
        env["MINZHENG_VAR_DIR"] = tmp
        if "MINZHENG_KEYS" not in env:
            from minzheng.core.crypto import Keyring

            env["MINZHENG_KEYS"] = Keyring.generate().to_json()
        if backend == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'search.sqlite3'}"
        else:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
                admin.execute(f"CREATE DATABASE {PG_DATABASE}")
            env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_DATABASE}"
        command = [sys.executable, __file__, "--measure", backend, *(["--quick"] if quick else [])]
        try:
            return subprocess.run(command, env=env, check=False).returncode
        finally:
            if backend == "postgresql":
                with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                    admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="20,000 persons, 50 queries")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"])
    parser.add_argument("--reuse", metavar="NAME", help="keep a seeded database NAME between runs")
    parser.add_argument("--measure", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    persons, queries = (20_000, 50) if args.quick else (1_000_000, 200)
    if args.measure:
        measure(args.measure, persons, queries)
        return 0
    backends = [args.backend] if args.backend else ["sqlite", "postgresql"]
    if args.reuse:
        codes = [run_reused(backend, args.quick, args.reuse) for backend in backends]
    else:
        codes = [run_backend(backend, args.quick) for backend in backends]
    return max(codes)


if __name__ == "__main__":
    sys.exit(main())
