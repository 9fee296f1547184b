"""The 人员查询 PAGE (not the query function) for each role that may open it, at `city` scale.

    .venv/bin/python benchmarks/person_list_page.py [--quick] [--backend sqlite|postgresql]
        [--reuse NAME]

A fresh database per backend (a temporary SQLite file; a `minzheng_bench_pages` PostgreSQL
database, dropped afterwards) is seeded with `registry.seed` — 1,000,000 persons, or 20,000 with
`--quick`. Then, logged in through the Django test client as a city administrator, a county
approver, a township caseworker and a village assistant, it requests `/registry/persons/` — the
first page, page 2, a surname prefix and a region picked in the search form — and times the whole
request: middleware, session, the scoped query, the capped count, the template.

The baseline, measured in the same run and process, is the query function alone
(`registry.queries.search_persons`, first 20 rows), so `ratio` says what the page adds to it.
`exact_count_ms` is what a plain `COUNT(*)` of the same scope costs, the work the capped count
("10,000+") avoids. Target: p95 ≤ 50 ms for every role (`within_target`).
The auditor, security and system administrators get a 403 on this page (三员分立): not timed.

`--reuse NAME` keeps the seeded database (PostgreSQL database NAME, SQLite file
$MINZHENG_VAR_DIR/NAME.sqlite3, default /tmp/mz_perf) between runs.
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
PG_DATABASE = "minzheng_bench_pages"
TARGET_MS = 50.0
TOWNSHIP = "330203001000"  # the region picked in the search form by the city and county users
ROLES = (
    ("city_admin", "330200000000"),
    ("county_approver", "330203000000"),
    ("township_caseworker", TOWNSHIP),
    ("village_assistant", ""),  # the village of the township's first person
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(call: object, repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def measure(backend: str, persons: int, repeat: int) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "minzheng.settings"
    import django

    django.setup()
    import logging

    from django.core.management import call_command
    from django.test import Client

    logging.getLogger("minzheng.request").setLevel(logging.WARNING)  # JSON lines only on stdout

    from minzheng.accounts.actions import do_create_user
    from minzheng.accounts.models import User
    from minzheng.regions.loader import load_divisions
    from minzheng.registry.models import Person
    from minzheng.registry.queries import search_persons
    from minzheng.registry.seed import seed_registry

    call_command("migrate", interactive=False, verbosity=0)
    seed_seconds = 0.0
    present = Person.objects.count()
    if present < persons:
        load_divisions()
        started = time.perf_counter()
        seed_registry("city", 2020, persons=persons)
        seed_seconds = time.perf_counter() - started
    village = ""
    for role, region in ROLES:
        region = region or village
        username = f"bench_page_{role}"
        user = User.objects.filter(username=username).first() or do_create_user(
            None, username=username, password="Bench#2026-pages", role=role, region_code=region
        )
        if role == "township_caseworker":  # the village assistant works in its first village
            village = str(
                Person.objects.visible_to(user)
                .order_by("id")
                .values_list("region_id", flat=True)[0]
            )
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        surname = Person.objects.visible_to(user).order_by("id").values_list("name", flat=True)[0]
        picked = TOWNSHIP if role in ("city_admin", "county_approver") else region
        requests = {
            "first_page": "/registry/persons/",
            "page_2": "/registry/persons/?page=2",
            "surname": f"/registry/persons/?q={surname[0]}",
            "region": f"/registry/persons/?region={picked}",
        }

        def baseline(actor: User = user) -> None:
            list(search_persons(actor, "")[:20])

        def exact(actor: User = user) -> None:
            Person.objects.visible_to(actor).count()

        base = timed(baseline, repeat)
        exact_ms = statistics.median(timed(exact, max(3, repeat // 10)))
        for kind, url in requests.items():
            response = client.get(url)
            if response.status_code != 200 or "共" not in response.content.decode():
                raise SystemExit(f"{role} {url}: status {response.status_code}")

            def page(address: str = url, c: Client = client) -> None:
                c.get(address)

            page_ms = timed(page, repeat)
            p95 = percentile(page_ms, 0.95)
            print(
                json.dumps(
                    {
                        "benchmark": "person_list_page",
                        "database": backend,
                        "persons": max(present, persons),  # a reused city may be larger
                        "role": role,
                        "request": kind,
                        "requests": repeat,
                        "page_p50_ms": round(statistics.median(page_ms), 2),
                        "page_p95_ms": round(p95, 2),
                        "baseline_query_p50_ms": round(statistics.median(base), 2),
                        "ratio": round(statistics.median(page_ms) / statistics.median(base), 2),
                        "exact_count_ms": round(exact_ms, 2),
                        "target_ms": TARGET_MS,
                        "within_target": p95 <= TARGET_MS,
                        "seed_seconds": round(seed_seconds, 1),
                    }
                ),
                flush=True,
            )


def _child(backend: str, quick: bool, env: dict[str, str]) -> int:
    command = [sys.executable, __file__, "--measure", backend, *(["--quick"] if quick else [])]
    return subprocess.run(command, env=env, check=False).returncode


def _keys(env: dict[str, str], path: Path | None = None) -> None:
    from minzheng.core.crypto import Keyring

    if path is None:
        env.setdefault("MINZHENG_KEYS", Keyring.generate().to_json())
        return
    if not path.exists():
        path.write_text(Keyring.generate().to_json())
    env["MINZHENG_KEYS"] = path.read_text()


def run_reused(backend: str, quick: bool, name: str) -> int:
    import psycopg

    env = dict(os.environ)
    var = Path(env.setdefault("MINZHENG_VAR_DIR", "/tmp/mz_perf"))
    var.mkdir(parents=True, exist_ok=True)
    _keys(env, var / f"{name}.{backend}.keys.json")
    if backend == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{var / (name + '.sqlite3')}"
    else:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    return _child(backend, quick, env)


def run_fresh(backend: str, quick: bool) -> int:
    import psycopg

    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="minzheng-pages-") as tmp:
        env["MINZHENG_VAR_DIR"] = tmp
        _keys(env)
        if backend == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'pages.sqlite3'}"
            return _child(backend, quick, env)
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            admin.execute(f"CREATE DATABASE {PG_DATABASE}")
        env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_DATABASE}"
        try:
            return _child(backend, quick, env)
        finally:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 persons, 20 requests each")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"])
    parser.add_argument("--reuse", metavar="NAME", help="keep a seeded database NAME between runs")
    parser.add_argument("--measure", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    persons, repeat = (20_000, 20) if args.quick else (1_000_000, 100)
    if args.measure:
        measure(args.measure, persons, repeat)
        return 0
    backends = [args.backend] if args.backend else ["sqlite", "postgresql"]
    run = (lambda b: run_reused(b, args.quick, args.reuse)) if args.reuse else None
    codes = [run(b) if run else run_fresh(b, args.quick) for b in backends]
    return max(codes)


if __name__ == "__main__":
    sys.exit(main())
