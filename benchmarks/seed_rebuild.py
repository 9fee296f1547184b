"""The seed's index rebuild, before and after, on the same seeded database in the same run.

    .venv/bin/python benchmarks/seed_rebuild.py --db postgres://…/mz_seed_1m [--rounds 2] [--quick]

On a database the city seed has written (`minzheng seed --scale city`), each round drops the
secondary indexes, unique constraints and foreign keys of the seeded tables and rebuilds them twice:
the way the seed did before (`before`: fixed lanes of statements, 256MB of maintenance_work_mem,
plain ADD CONSTRAINT for the foreign keys, the two blind indexes' `varchar_pattern_ops` copies
included) and the way it does now (`after`: registry/city_seed.py `_rebuild`). Prints one JSON line
per rebuild and one with the ratio after/before, with the load average (the machine is shared).
--quick seeds 20,000 persons first if the database is empty, and runs one round.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

LIKE = {
    "id_number_index": "registry_person_id_number_index_b3510b9a_like",
    "phone_index": "registry_person_phone_index_fecb0ad5_like",
}


def _drop_all() -> list[list[str]]:
    """Drop what the seed defers and return the statements that rebuild it (as `_defer_indexes`,
    without its audit record)."""
    from django.db import connection

    from minzheng.registry.city_seed import drop_deferred

    with connection.cursor() as cursor:
        return drop_deferred(cursor)


def _like_indexes(present: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for column, name in LIKE.items():
            if present:
                cursor.execute(
                    f'CREATE INDEX IF NOT EXISTS "{name}" '
                    f"ON registry_person ({column} varchar_pattern_ops)"
                )
            else:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def _rebuild_before(restore: list[list[str]]) -> None:
    """The seed's rebuild as it was (main at e31230b): two fixed lanes, 256MB, plain ADD."""
    from concurrent.futures import ThreadPoolExecutor

    import psycopg
    from django.db import connection

    params = dict(connection.get_connection_params())
    for key in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(key, None)

    def run(statements: list[list[str]]) -> None:
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '256MB'")
            conn.execute("SET synchronous_commit = off")
            for _kind, _name, _table, sql in statements:
                conn.execute(sql)

    foreign = [r for r in restore if "FOREIGN KEY" in r[3]]
    first = [r for r in restore if "FOREIGN KEY" not in r[3]]
    for phase in (first, foreign):
        order = sorted(phase, key=lambda r: (r[2] != "registry_person", r[2], r[1]))
        lanes = [order[i::2] for i in range(2)]
        with ThreadPoolExecutor(2) as pool:
            for future in [pool.submit(run, lane) for lane in lanes if lane]:
                future.result()


def _timed(label: str, action: Any, statements: int) -> float:
    load = os.getloadavg()[0]
    cpu = time.process_time()
    started = time.perf_counter()
    action()
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "benchmark": "seed_rebuild",
                "method": label,
                "statements": statements,
                "seconds": round(seconds, 1),
                "client_cpu_seconds": round(time.process_time() - cpu, 2),
                "load_average": [round(load, 2), round(os.getloadavg()[0], 2)],
            }
        ),
        flush=True,
    )
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="a database the city seed has written")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    os.environ.update(
        {
            "DATABASE_URL": args.db,
            "DJANGO_SETTINGS_MODULE": "minzheng.settings",
            "MINZHENG_LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    from minzheng.registry.city_seed import _rebuild
    from minzheng.registry.models import Person

    if args.quick:
        from minzheng.core.crypto import Keyring

        os.environ.setdefault("MINZHENG_KEYS", Keyring.generate().to_json())
        call_command("migrate", interactive=False, verbosity=0)
        if not Person.objects.exists():
            from minzheng.registry.seed import seed_registry

            seed_registry("ningbo", 2020, persons=20_000, chunk_persons=5_000)
    persons = Person.objects.count()
    ratios = []
    for _round in range(1 if args.quick else args.rounds):
        _like_indexes(present=True)
        restore = _drop_all()
        before = _timed("before", lambda r=restore: _rebuild_before(r), len(restore))
        _like_indexes(present=False)
        restore = _drop_all()
        after = _timed("after", lambda r=restore: _rebuild(r), len(restore))
        ratios.append(after / before)
    print(
        json.dumps(
            {
                "benchmark": "seed_rebuild",
                "persons": persons,
                "ratio_after_vs_before": [round(r, 3) for r in ratios],
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
