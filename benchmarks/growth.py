"""Growth: each batch stage and the main list pages timed at increasing city sizes, with time and
peak memory against the smallest size (the curve docs/scaling.md extrapolates from).

    .venv/bin/python benchmarks/growth.py --quick                 # 3,000 and 9,000 persons
    .venv/bin/python benchmarks/growth.py                         # 1M, 3M, 9.4M persons
    .venv/bin/python benchmarks/growth.py --scales 100000,300000  # any sizes
    .venv/bin/python benchmarks/growth.py --spark ...             # also eligibility on Spark

For each size a scratch PostgreSQL database (`mz_part_bench`, `mz_part_bench_quick` with --quick,
or `--db NAME`; on BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432) is dropped and created, migrated
(so the ledger, feeds, audit trail and settlements are partitioned), seeded with the synthetic
Ningbo at that size (`registry.seed`, the `ningbo` scale cut to the size), and given a month of
departmental feeds for its 低保 households (`verification.demo.plant`). Then every stage runs in
its own process, so that its peak RSS is its own:

- eligibility: `minzheng evaluate --all` — gather every household (columnar) and decide them;
- eligibility_spark (--spark): the same decided on Spark in local mode (`--engine spark`);
- monitor: the monthly monitor's set-based query (`monitoring.jobs.find`), one read of the city;
- monitor_parts: the same findings read and found part by part (`monitoring.distributed.find`,
  the parts one after another here: what each Spark executor does with one part);
- verification_gather: batch verification's evidence for every enrolled household;
- verification_parts: the same, part by part (`verification.distributed.gather`);
- page_persons, page_households, page_cases (the applications queue), page_dashboard
  (统计分析), page_rolls (the payment rolls), page_warnings: the page as the city's
  administrator, through the Django test client (median of 5 requests after the first, whose
  time is `first_request_seconds`).

A size can instead be measured on a database seeded before (a previous run's, or the shared 9.4 M
city) with `--reuse-at SIZE=DBNAME:VARDIR` (repeatable; VARDIR is that database's
MINZHENG_VAR_DIR, whose key file decrypts its identity numbers): nothing is dropped, created or
seeded; it is migrated and given the same planted month of feeds (the load is idempotent: a second
load of the same rows adds none; `--planted` skips it for a database this script planted before).
`--var-root DIR` keeps each fresh size's var directory at
DIR/<size> (instead of a temporary one) so that its database can be reused later. `--stages`
picks stages; `--curve-from FILE` (repeatable) adds the `growth` lines of earlier runs' output to
the curve, so sizes measured in separate runs (one heavy run at a time) make one curve:

    .venv/bin/python benchmarks/growth.py --scales 1000000 --db mz_growth_1m --var-root var/growth > 1m.jsonl
    .venv/bin/python benchmarks/growth.py --reuse-at 9404283=mz_growth_city:var/ningbo \
        --curve-from 1m.jsonl --curve-from 3m.jsonl

Every stage line also carries the load average (1 min) before and after it: the machine is shared.

Each stage runs twice in its process; `seconds` is the second run, `cold_seconds` the first (which
also pays the imports and, for Spark, the session's start). `cpu_seconds` is the CPU time (user +
system) of the stage's own process over the timed run, `db_cpu_seconds` that of its PostgreSQL
backend (read from /proc: the server is on this machine; parallel query workers not counted): on
a loaded machine wall time measures the queue for the cores as much as the work, CPU time does
not. A seeded database written by others (the shared city) is copied first
(`createdb -T mz_ningbo mz_growth_city`): the planted month of feeds writes into it.

Linkage is not in the curve: its cost grows with candidate pairs of the blocking rules, not with
persons, and benchmarks/linkage_scale.py measures it.

Prints one JSON line per stage and size, then one `growth_curve` line per stage: seconds and
CPU seconds and peak RSS at each size, their ratio to the smallest size, the size ratio, the
exponents log(ratio) / log(size ratio) — 1.0 is linear growth — and the exponents fitted (least
squares on log–log) over all the sizes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

try:
    import minzheng  # noqa: F401
except ModuleNotFoundError:  # run from a checkout without an editable install
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

STAGES = (
    "eligibility",
    "monitor",
    "monitor_parts",
    "verification_gather",
    "verification_parts",
    "page_persons",
    "page_households",
    "page_cases",
    "page_dashboard",
    "page_rolls",
    "page_warnings",
)
FEED_STAGES = ("monitor", "monitor_parts", "verification_gather", "verification_parts")
FULL = (1_000_000, 3_000_000, 9_404_283)
QUICK = (3_000, 9_000)
MONTH = (2020, 9)
PAGES = {
    "page_persons": "/registry/persons/",
    "page_households": "/registry/households/",
    "page_cases": "/applications/",
    "page_dashboard": "/statistics/",
    "page_rolls": "/payments/rolls/",
    "page_warnings": "/monitoring/warnings/",
}


def emit(record: dict[str, Any]) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _fresh_database(name: str) -> str:
    import psycopg

    server = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
    import logging

    import django

    django.setup()
    logging.getLogger("minzheng.request").setLevel(logging.WARNING)


# ── in a child process ───────────────────────────────────────────────────────────────────────


def setup(persons: int, *, reuse: bool = False) -> dict[str, Any]:
    _django()
    from django.core.management import call_command

    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.core.crypto import ensure_key_file, key_file_path, reset_keyring_cache
    from minzheng.core.yearmonth import YearMonth
    from minzheng.regions.loader import load_divisions
    from minzheng.registry.models import Household, Person
    from minzheng.registry.seed import seed_registry
    from minzheng.verification.demo import enrolled_households, load_all, plant

    if not key_file_path().exists() and reuse:
        raise SystemExit(f"--reuse-at: no key file at {key_file_path()} (the database's var dir)")
    ensure_key_file(key_file_path())
    reset_keyring_cache()
    if not reuse:  # a reused database is someone else's: it is used as it is
        call_command("migrate", interactive=False, verbosity=0)
        load_divisions()
        do_load_parameter_catalog(None)
    started = time.perf_counter()
    if not reuse:
        seed_registry("ningbo", 2020, persons=persons)
    seeded = time.perf_counter() - started
    month = YearMonth(*MONTH)
    rows = load_all(plant(month, seed=11, residents=20)) if not reuse else {}
    return {
        "reused": reuse,
        "persons_in_database": Person.objects.count(),
        "households": Household.objects.count(),
        "enrolled": len(enrolled_households(month)),
        "feed_rows": sum(rows.values()),
        "seed_seconds": round(seeded, 1),
        "setup_seconds": round(time.perf_counter() - started, 1),
    }


def plant_month() -> dict[str, Any]:
    """The month of feeds on a reused database (after the stages that do not read feeds)."""
    _django()
    from minzheng.core.yearmonth import YearMonth
    from minzheng.verification.demo import load_all, plant

    started = time.perf_counter()
    rows = load_all(plant(YearMonth(*MONTH), seed=11, residents=20))
    return {
        "feed_rows": sum(rows.values()),
        "plant_seconds": round(time.perf_counter() - started, 1),
    }


def stage(name: str) -> dict[str, Any]:
    """The stage run twice in this process: `seconds` is the second (warm) run, `cold_seconds`
    the first, which also pays the first queries' caches and, for Spark, the session's start (the
    platform's modules, numpy, pyarrow and duckdb are imported before either)."""
    _django()
    # Imported before the clock starts: a cold run then times the work, not the imports.
    import duckdb  # noqa: F401
    import pyarrow  # noqa: F401
    from django.test import Client  # noqa: F401

    from minzheng.assistance import columnar  # noqa: F401
    from minzheng.monitoring import distributed, jobs  # noqa: F401
    from minzheng.verification import jobs as verification  # noqa: F401

    if os.environ.get("GROWTH_ONCE"):  # --once: the first run only (the big sizes)
        return {**_run_stage(name), "once": True}
    started = time.perf_counter()
    _run_stage(name)
    cold = time.perf_counter() - started
    return {**_run_stage(name), "cold_seconds": round(cold, 3)}


def _run_stage(name: str) -> dict[str, Any]:
    """The stage once, with its wall seconds and this process's CPU seconds (user + system;
    the database server's CPU is not in it) over the same span."""
    cpu, db_cpu = _cpu(), _db_cpu()
    timed = _timed_stage(name)
    out = {**timed, "cpu_seconds": round(_cpu() - cpu, 3)}
    if db_cpu is not None and (db_after := _db_cpu()) is not None:
        out["db_cpu_seconds"] = round(db_after - db_cpu, 3)
    return out


def _db_cpu() -> float | None:
    """CPU seconds so far of this process's PostgreSQL backend, read from /proc (the server is on
    this machine); None elsewhere. Parallel query workers are not counted."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed_stage(name: str) -> dict[str, Any]:
    from minzheng.core.yearmonth import YearMonth

    month = YearMonth(*MONTH)
    as_of = month.last_day()
    if name in ("eligibility", "eligibility_spark"):
        from minzheng.assistance import columnar
        from minzheng.assistance.queries import parameter_sets

        engine = "spark" if name == "eligibility_spark" else "duckdb"
        session = None
        if engine == "spark":
            from minzheng.core.batchsql import local_session

            session = local_session()
        started = time.perf_counter()
        g = columnar.gather(columnar.region_bounds("330200"), as_of)
        gathered = time.perf_counter() - started
        params = parameter_sets(g.households.regions, as_of)
        result = columnar.evaluate_gathered(g, params, engine=engine, spark_session=session)
        return {
            "seconds": round(time.perf_counter() - started, 3),
            "gather_seconds": round(gathered, 3),
            "rows": len(g.household_ids),
            "dibao": int((result.dibao_route > 0).sum()),
        }
    if name == "monitor":
        from minzheng.monitoring import jobs

        started = time.perf_counter()
        findings, _ = jobs.find(month)
        return {"seconds": round(time.perf_counter() - started, 3), "rows": len(findings)}
    if name == "monitor_parts":
        from minzheng.monitoring import distributed

        started = time.perf_counter()
        findings, _ = distributed.find(month)
        return {"seconds": round(time.perf_counter() - started, 3), "rows": len(findings)}
    if name == "verification_parts":
        from minzheng.verification import distributed as verification_parts
        from minzheng.verification.demo import enrolled_households

        households = [h.household_id for h in enrolled_households(month)]
        started = time.perf_counter()
        gathered = verification_parts.gather(households, as_of)
        return {"seconds": round(time.perf_counter() - started, 3), "rows": len(gathered)}
    if name == "verification_gather":
        from minzheng.verification import jobs as verification
        from minzheng.verification.demo import enrolled_households

        households = [h.household_id for h in enrolled_households(month)]
        started = time.perf_counter()
        gathered = verification.gather(households, as_of)
        return {"seconds": round(time.perf_counter() - started, 3), "rows": len(gathered)}
    if name in PAGES:
        from django.db import transaction

        # The bench user and its session are rolled back: a reused database keeps no trace.
        with transaction.atomic():
            timed = _page(name)
            transaction.set_rollback(True)
        return timed
    raise SystemExit(f"unknown stage {name}")


def _page(name: str) -> dict[str, Any]:
    from django.test import Client

    from minzheng.accounts.actions import do_create_user
    from minzheng.accounts.models import User

    user = User.objects.filter(username="bench_growth").first() or do_create_user(
        None,
        username="bench_growth",
        password="Kq7#mZ2v-Lp9x!Rt",
        role="city_admin",
        region_code="330200000000",
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    started = time.perf_counter()
    first = client.get(PAGES[name])
    first_seconds = time.perf_counter() - started
    if first.status_code != 200:
        raise SystemExit(f"{PAGES[name]}: status {first.status_code}")
    times = []
    for _ in range(5):
        started = time.perf_counter()
        client.get(PAGES[name])
        times.append(time.perf_counter() - started)
    return {
        "seconds": round(statistics.median(times), 4),
        "first_request_seconds": round(first_seconds, 4),
    }


# ── the parent ───────────────────────────────────────────────────────────────────────────────


def _child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
        raise SystemExit(f"growth.py {' '.join(args)} failed ({done.returncode})")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _exponent(ratio: float | None, size: float) -> float | None:
    return round(math.log(ratio) / math.log(size), 2) if ratio and size > 1 else None


def _ratio(value: float | None, base: float | None) -> float | None:
    return value / base if value is not None and base else None


def fitted_exponent(points: list[tuple[float, float]]) -> float | None:
    """The slope of log(value) on log(persons), least squares over every point (1.0 = linear)."""
    xs = [math.log(n) for n, v in points if v and v > 0]
    ys = [math.log(v) for n, v in points if v and v > 0]
    if len(xs) < 2 or len(set(xs)) < 2:
        return None
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return round(sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx, 2)


def curve(name: str, points: list[dict[str, Any]]) -> dict[str, Any]:
    """Each point's time (wall and CPU) and peak memory against the smallest size, their
    exponents log(ratio) / log(size ratio), and the exponents fitted over all the points."""
    base = points[0]
    out: dict[str, Any] = {"benchmark": "growth_curve", "stage": name, "points": []}
    for p in points:
        size = p["persons"] / base["persons"]
        t = _ratio(p["seconds"], base["seconds"])
        c = _ratio(p.get("cpu_seconds"), base.get("cpu_seconds"))
        m = _ratio(p["peak_rss_mb"], base["peak_rss_mb"])
        out["points"].append(
            {
                "persons": p["persons"],
                "seconds": p["seconds"],
                "cpu_seconds": p.get("cpu_seconds"),
                "db_cpu_seconds": p.get("db_cpu_seconds"),
                "peak_rss_mb": p["peak_rss_mb"],
                "load_avg": p.get("load_avg"),
                "size_ratio": round(size, 2),
                "time_ratio": round(t, 2) if t is not None else None,
                "cpu_ratio": round(c, 2) if c is not None else None,
                "memory_ratio": round(m, 2) if m is not None else None,
                "time_exponent": _exponent(t, size),
                "cpu_exponent": _exponent(c, size),
                "memory_exponent": _exponent(m, size),
            }
        )
    for key, label in (
        ("seconds", "time"),
        ("cpu_seconds", "cpu"),
        ("db_cpu_seconds", "db_cpu"),
        ("peak_rss_mb", "memory"),
    ):
        out[f"fitted_{label}_exponent"] = fitted_exponent(
            [(p["persons"], p.get(key)) for p in points]
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="3,000 and 9,000 persons")
    parser.add_argument("--scales", help="comma-separated person counts (default 1M,3M,9.4M)")
    parser.add_argument("--spark", action="store_true", help="also time eligibility on Spark")
    parser.add_argument("--db", help="scratch database name for fresh sizes")
    parser.add_argument("--var-root", help="keep each fresh size's var directory at DIR/<size>")
    parser.add_argument(
        "--reuse-at",
        action="append",
        default=[],
        metavar="SIZE=DBNAME:VARDIR",
        help="measure SIZE on an existing seeded database (not dropped, not seeded)",
    )
    parser.add_argument("--stages", help="comma-separated stages (default all)")
    parser.add_argument(
        "--planted",
        action="store_true",
        help="the --reuse-at databases already hold this script's month of feeds: plant none",
    )
    parser.add_argument(
        "--curve-from",
        action="append",
        default=[],
        metavar="FILE",
        help="earlier runs' output (alone: print the curve of those, run nothing)",
    )
    parser.add_argument("--setup", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--plant", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--once", action="store_true", help="run each stage once (cold) instead of twice"
    )
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup is not None:
        result = setup(args.setup, reuse=args.reuse)
        emit({**result, "peak_rss_mb": _peak_mb()})
        return 0
    if args.plant:
        emit({**plant_month(), "peak_rss_mb": _peak_mb()})
        return 0
    if args.stage:
        result = stage(args.stage)
        emit({**result, "peak_rss_mb": _peak_mb()})
        return 0
    reused: dict[int, tuple[str, str]] = {}
    try:
        for spec in args.reuse_at:
            size, _, rest = spec.partition("=")
            db, _, var = rest.partition(":")
            if not db or not var:
                raise ValueError(spec)
            reused[int(size)] = (db, var)
        scales = (
            tuple(int(s) for s in args.scales.split(","))
            if args.scales
            else (() if reused or args.curve_from else (QUICK if args.quick else FULL))
        )
    except ValueError:
        print(
            f"--scales: whole numbers separated by commas; --reuse-at: SIZE=DBNAME:VARDIR "
            f"({args.scales} {args.reuse_at})",
            file=sys.stderr,
        )
        return 2
    stages = STAGES + (("eligibility_spark",) if args.spark else ())
    if args.stages:
        stages = tuple(args.stages.split(","))
        unknown = [s for s in stages if s not in (*STAGES, "eligibility_spark")]
        if unknown:
            print(f"--stages: unknown stage {', '.join(unknown)}", file=sys.stderr)
            return 2
    measured: dict[str, list[dict[str, Any]]] = {s: [] for s in stages}
    for path in args.curve_from:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.startswith("{"):
                continue
            record = json.loads(line)
            if record.get("benchmark") == "growth" and record.get("stage") in measured:
                measured[record["stage"]].append(
                    {k: v for k, v in record.items() if k not in ("benchmark", "stage")}
                )
    name = args.db or ("mz_part_bench_quick" if args.quick else "mz_part_bench")
    server = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    for persons in sorted(set(scales) | set(reused)):
        with tempfile.TemporaryDirectory(prefix="mz-growth-") as tmp:
            if persons in reused:
                db, var = reused[persons]
                url = f"{server}/{db}"
            else:
                var = tmp
                if args.var_root:
                    var = str(Path(args.var_root).resolve() / str(persons))
                    Path(var).mkdir(parents=True, exist_ok=True)
                url = _fresh_database(name)
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "MINZHENG_VAR_DIR": var,
                "DJANGO_SETTINGS_MODULE": "minzheng.settings",
                "MINZHENG_LOG_LEVEL": "WARNING",
            }
            setup_args = ["--setup", str(persons)] + (["--reuse"] if persons in reused else [])
            made = _child(setup_args, env)
            emit({"benchmark": "growth_setup", "persons": persons, "load_avg": _load(), **made})
            if args.once:
                env["GROWTH_ONCE"] = "1"
            order = list(stages)
            feed_stages = [s for s in stages if s in FEED_STAGES]
            if persons in reused:  # the stages that read no feeds first, then the planting
                order = [s for s in stages if s not in FEED_STAGES]
                planting = ["plant"] if feed_stages and not args.planted else []
                order += [*planting, *feed_stages]  # none read (or planted before): none planted
            for s in order:
                if s == "plant":
                    planted = _child(["--plant"], env)
                    emit({"benchmark": "growth_plant", "persons": persons, **planted})
                    continue
                before = _load()
                try:
                    point = {"persons": persons, **_child(["--stage", s], env)}
                except SystemExit as failed:  # one stage's failure does not lose the others
                    emit({"benchmark": "growth_failed", "stage": s, "persons": persons,
                          "error": str(failed)})  # fmt: skip
                    continue
                point["load_avg"] = [before, _load()]
                measured[s].append(point)
                emit({"benchmark": "growth", "stage": s, **point})
    for s in stages:
        points = sorted(measured[s], key=lambda p: p["persons"])
        if points:
            emit(curve(s, points))
    return 0


if __name__ == "__main__":
    sys.exit(main())
