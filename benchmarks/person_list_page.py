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
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _pages import database, run_child, setup_django, sign_in, time_page, timed

PG_DATABASE = "minzheng_bench_pages"
TOWNSHIP = "330203001000"  # the region picked in the search form by the city and county users
ROLES = (
    ("city_admin", "330200000000"),
    ("county_approver", "330203000000"),
    ("township_caseworker", TOWNSHIP),
    ("village_assistant", ""),  # the village of the township's first person
)


def measure(backend: str, persons: int, repeat: int) -> None:
    setup_django()
    from django.core.management import call_command

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
        user, client = sign_in(role, region or village, "bench_page")
        if role == "township_caseworker":  # the village assistant works in its first village
            village = str(
                Person.objects.visible_to(user)
                .order_by("id")
                .values_list("region_id", flat=True)[0]
            )
        surname = Person.objects.visible_to(user).order_by("id").values_list("name", flat=True)[0]
        picked = TOWNSHIP if role in ("city_admin", "county_approver") else region or village
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
            timing = time_page(client, url, repeat)
            print(
                json.dumps(
                    {
                        "benchmark": "person_list_page",
                        "database": backend,
                        "persons": max(present, persons),  # a reused city may be larger
                        "role": role,
                        "request": kind,
                        "requests": repeat,
                        **timing.fields(),
                        "baseline_query_p50_ms": round(statistics.median(base), 2),
                        "ratio": round(timing.p50_ms / statistics.median(base), 2),
                        "exact_count_ms": round(exact_ms, 2),
                        "seed_seconds": round(seed_seconds, 1),
                    }
                ),
                flush=True,
            )


def run(backend: str, quick: bool, reuse: str | None) -> int:
    with database(backend, reuse=reuse, fresh_name=PG_DATABASE) as env:
        arguments = ["--measure", backend, *(["--quick"] if quick else [])]
        return run_child(__file__, arguments, env)


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
    return max(run(b, args.quick, args.reuse) for b in backends)


if __name__ == "__main__":
    sys.exit(main())
