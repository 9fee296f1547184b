"""What the page benchmarks share: a database to run in, the demo roles signed in through the
Django test client, and the timing of a whole page (p50 / p95, CPU time, queries).

Used by `dashboard_pages.py`, `list_pages.py` and `person_list_page.py`; `run.py` skips files
whose name starts with `_`, so this one is never run on its own.

A page is timed as a user meets it: `Client.get` goes through every middleware, the session,
the view, its queries and the template. Each timing carries the CPU time of this process (the
Python side; on SQLite the queries too, PostgreSQL's work is in its own processes) and the number
of queries of one request, so a figure taken on a busy machine can still be read: the load
average inflates wall-clock time, not queries, and CPU time much less.
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
TARGET_MS = 50.0


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the 19th of 20 for p95, the 95th of 100."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))]


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock milliseconds of `repeat` calls."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


@dataclass(frozen=True)
class PageTiming:
    status: int
    p50_ms: float
    p95_ms: float
    cpu_p50_ms: float  # this process only: Python, and SQLite's queries
    queries: int  # in one request (the first, untimed one)
    load_average: float  # 1 minute, when timing started

    def fields(self, target_ms: float = TARGET_MS) -> dict[str, Any]:
        """The figures as a benchmark's JSON fields."""
        return {
            "page_p50_ms": round(self.p50_ms, 2),
            "page_p95_ms": round(self.p95_ms, 2),
            "cpu_p50_ms": round(self.cpu_p50_ms, 2),
            "queries": self.queries,
            "target_ms": target_ms,
            "within_target": self.p95_ms <= target_ms,
            "load_average": self.load_average,
        }


def time_page(client: Client, url: str, repeat: int) -> PageTiming:
    """One untimed request (its status and query count; it warms the caches), then `repeat` timed
    ones. Only a 200 is timed: a refused page answers with its status and zeros."""
    from django.db import connection

    executed = 0

    def count(execute: Callable[..., Any], *args: Any) -> Any:
        # A wrapper, not connection.queries: the client's request_started signal resets that log.
        nonlocal executed
        executed += 1
        return execute(*args)

    with connection.execute_wrapper(count):
        first = client.get(url)
    load = load_average()
    if first.status_code != 200:
        return PageTiming(first.status_code, 0.0, 0.0, 0.0, executed, load)
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return PageTiming(
        200,
        statistics.median(wall),
        percentile(wall, 0.95),
        statistics.median(cpu),
        executed,
        load,
    )


def setup_django() -> None:
    """Django, quiet: JSON lines only on stdout, no request log, no 403 warnings."""
    import logging

    os.environ["DJANGO_SETTINGS_MODULE"] = "minzheng.settings"
    import django

    django.setup()
    logging.getLogger("minzheng.request").setLevel(logging.WARNING)
    logging.getLogger("django.request").setLevel(logging.ERROR)


def sign_in(role: str, region_code: str, prefix: str) -> tuple[Any, Client]:
    """The benchmark's user for `role` in `region_code` (made once, `<prefix>_<role>`), and a
    test client signed in as them."""
    from django.test import Client

    from minzheng.accounts.actions import do_create_user
    from minzheng.accounts.models import User

    username = f"{prefix}_{role}"
    user = User.objects.filter(username=username).first() or do_create_user(
        None, username=username, password="Bench#2026-pages", role=role, region_code=region_code
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return user, client


def keys(env: dict[str, str], path: Path | None = None) -> None:
    """MINZHENG_KEYS for the child: a fresh keyring, or the one kept at `path` (made once)."""
    from minzheng.core.crypto import Keyring

    if path is None:
        env.setdefault("MINZHENG_KEYS", Keyring.generate().to_json())
        return
    if not path.exists():
        path.write_text(Keyring.generate().to_json())
    env["MINZHENG_KEYS"] = path.read_text()


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


@contextmanager
def database(backend: str, *, reuse: str | None, fresh_name: str) -> Iterator[dict[str, str]]:
    """The environment of a child process that measures in a database.

    With `reuse`, the database NAME is kept between runs (PostgreSQL database NAME, SQLite file
    $MINZHENG_VAR_DIR/NAME.sqlite3, default /tmp/mz_perf), with its keyring beside it — or the
    directory's own keys.json where there is one (a city seeded by `minzheng seed`). Without it,
    a temporary SQLite file or the PostgreSQL database `fresh_name`, dropped afterwards.
    """
    import psycopg

    env = dict(os.environ)
    if reuse:
        var = Path(env.setdefault("MINZHENG_VAR_DIR", "/tmp/mz_perf"))
        var.mkdir(parents=True, exist_ok=True)
        own = var / "keys.json"
        keys(env, own if own.exists() else var / f"{reuse}.{backend}.keys.json")
        if backend == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{var / (reuse + '.sqlite3')}"
        else:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                found = "SELECT 1 FROM pg_database WHERE datname = %s"
                if not admin.execute(found, [reuse]).fetchone():
                    admin.execute(f'CREATE DATABASE "{reuse}"')
            env["DATABASE_URL"] = _pg_url(reuse)
        yield env
        return
    with tempfile.TemporaryDirectory(prefix=f"{fresh_name}-") as tmp:
        env["MINZHENG_VAR_DIR"] = tmp
        keys(env)
        if backend == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{Path(tmp) / (fresh_name + '.sqlite3')}"
            yield env
            return
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {fresh_name}")
            admin.execute(f"CREATE DATABASE {fresh_name}")
        env["DATABASE_URL"] = _pg_url(fresh_name)
        try:
            yield env
        finally:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {fresh_name} WITH (FORCE)")


def run_child(script: str, arguments: list[str], env: dict[str, str]) -> int:
    """`script` run again in a child process with `arguments` (its --measure pass)."""
    return subprocess.run([sys.executable, script, *arguments], env=env, check=False).returncode
