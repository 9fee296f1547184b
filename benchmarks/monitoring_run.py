"""The monthly monitor run (set-based, DuckDB over Arrow) against a per-household ORM loop, and one
application's verification.

Sets up a fresh database (SQLite under a temporary MINZHENG_VAR_DIR unless DATABASE_URL is set),
seeds a synthetic registry, enrols a share of its households in 低保, emits and loads the eleven
feeds with planted truths, then times:
  - `monitoring.jobs.find` for the whole city (what `minzheng monitor` computes);
  - `monitoring.reference.household_findings` over a sample of households (the ORM loop),
    checking both give identical findings on the sample, and their per-household ratio;
  - gathering and checking one household (one application's 核对).
Prints JSON lines. Run: .venv/bin/python benchmarks/monitoring_run.py [--quick] [--persons N]

`--reuse DBNAME [--month YYYY-MM] [--truths FILE]` measures a database already seeded and fed
(PostgreSQL database DBNAME on the server of $BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432;
set MINZHENG_VAR_DIR to its keys): nothing is written; the month's findings (planted truths from
`minzheng feeds emit-city`'s truths.jsonl, if given), the ORM loop on a sample, one application's
check. E.g. the ningbo city: `--reuse mz_ningbo --month 2020-11 --truths DIR/truths.jsonl`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

try:
    import minzheng  # noqa: F401
except ModuleNotFoundError:  # run from a checkout without an editable install
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def emit(record: dict[str, object]) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument("--persons", type=int, default=None)
    parser.add_argument("--sample", type=int, default=None, help="households for the ORM loop")
    parser.add_argument("--reuse", metavar="DBNAME", help="a seeded, fed PostgreSQL database")
    parser.add_argument("--month", default="2020-09", help="the month (with --reuse)")
    parser.add_argument("--truths", help="truths.jsonl of `feeds emit-city` (with --reuse)")
    args = parser.parse_args()
    if args.reuse:
        server = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
        os.environ["DATABASE_URL"] = f"{server}/{args.reuse}"
    persons = args.persons or (2_000 if args.quick else 100_000)
    sample_size = args.sample or (50 if args.quick else 200 if args.reuse else 500)
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("MINZHENG_VAR_DIR", tempfile.mkdtemp(prefix="mz-bench-monitor-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from minzheng.assistance.actions import do_load_parameter_catalog
    from minzheng.core.crypto import ensure_key_file, key_file_path, reset_keyring_cache
    from minzheng.core.idnumber import mask
    from minzheng.core.yearmonth import YearMonth
    from minzheng.monitoring import jobs, reference
    from minzheng.regions.loader import load_divisions
    from minzheng.registry.models import Household
    from minzheng.registry.seed import seed_registry
    from minzheng.verification import checks
    from minzheng.verification import jobs as verification_jobs
    from minzheng.verification.demo import enrol_sample, load_all, plant

    if args.reuse:
        month = YearMonth.parse(args.month)
        planted = set()
        if args.truths:
            with open(args.truths, encoding="utf-8") as handle:
                for line in handle:
                    t = json.loads(line)
                    planted.add((t["kind"], mask(t["id_number"])))
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM verification_feedrecord")
            feed_rows = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM registry_person")
            persons = cursor.fetchone()[0]
        households = Household.objects.count()
        emit(
            {
                "benchmark": "monitoring_setup",
                "reused": args.reuse,
                "persons": persons,
                "households": households,
                "feed_rows": feed_rows,
                "truths": len(planted),
            }
        )
    else:
        month = YearMonth(2020, 9)
        if not os.environ.get("MINZHENG_KEYS"):
            ensure_key_file(key_file_path())
            reset_keyring_cache()
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        load_divisions()
        do_load_parameter_catalog(None)
        seed_registry("test", 11, persons=persons)
        households = Household.objects.count()
        enrolled = enrol_sample(max(households // 10, 12), month - 6)
        feeds = plant(month, seed=11, residents=20)
        rows = load_all(feeds)
        planted = {(t.kind, mask(t.id_number)) for t in feeds.truths}
        emit(
            {
                "benchmark": "monitoring_setup",
                "persons": persons,
                "households": households,
                "enrolled": enrolled,
                "feed_rows": sum(rows.values()),
                "truths": len(feeds.truths),
                "seconds": round(time.perf_counter() - started, 2),
            }
        )

    stages: dict[str, float] = {}
    mark = [time.perf_counter()]

    def stage(label: str) -> None:  # seconds of each stage of the run (jobs.find's progress)
        now = time.perf_counter()
        stages[label] = round(now - mark[0], 2)
        mark[0] = now

    t0, c0 = time.perf_counter(), time.process_time()
    findings, policies = jobs.find(month, progress=stage)
    cold_seconds = time.perf_counter() - t0
    cold_cpu = time.process_time() - c0
    set_seconds = cold_seconds
    if not args.reuse:  # small: run it again warm, the figure compared below
        t0 = time.perf_counter()
        findings, policies = jobs.find(month)
        set_seconds = time.perf_counter() - t0
    found_kinds = {(f.kind, f.masked) for f in findings}
    emit(
        {
            "benchmark": "monitoring_run_city",
            "households": households,
            "findings": len(findings),
            "planted_truths_found": len(planted & found_kinds),
            "planted_truths": len(planted),
            "extra_findings": len(found_kinds - planted),
            "seconds": round(set_seconds, 3),
            "cold_seconds": round(cold_seconds, 3),
            "cold_stages_seconds": stages,
            "cold_client_cpu_seconds": round(cold_cpu, 2),
            "load_average": os.getloadavg()[0],
        }
    )

    enrolled_ids = sorted({f.household_id for f in findings if f.household_id})
    if args.reuse:  # a sample spread over the city: every k-th household with a finding first
        enrolled_ids = enrolled_ids[:: max(len(enrolled_ids) // max(sample_size // 2, 1), 1)]
    others = list(
        Household.objects.exclude(pk__in=enrolled_ids)
        .order_by("id")
        .values_list("id", flat=True)[: max(sample_size - len(enrolled_ids), 0)]
    )
    sample = (enrolled_ids + others)[:sample_size]
    t0 = time.perf_counter()
    loop: set[tuple[str, str, str]] = set()
    for household_id in sample:
        loop |= reference.household_findings(household_id, month, policies)
    loop_seconds = time.perf_counter() - t0
    in_sample = set(sample)
    set_keys = {f.key for f in findings if f.household_id in in_sample}
    per_household_loop = loop_seconds / max(len(sample), 1)
    per_household_set = set_seconds / max(households, 1)
    emit(
        {
            "benchmark": "monitoring_run_vs_orm_loop",
            "sample_households": len(sample),
            "identical": loop == set_keys,
            "findings_in_sample": len(set_keys),
            "orm_loop_seconds": round(loop_seconds, 3),
            "orm_loop_ms_per_household": round(per_household_loop * 1000, 3),
            "set_based_ms_per_household": round(per_household_set * 1000, 4),
            "ratio": round(per_household_loop / per_household_set, 1)
            if per_household_set
            else None,
            "load_average": os.getloadavg()[0],
        }
    )

    household_id = enrolled_ids[0] if enrolled_ids else sample[0]
    household = Household.objects.get(pk=household_id)
    t0 = time.perf_counter()
    county = household.region_id[:6]
    policy = jobs.policies({county}, month.last_day())[county]
    members = verification_jobs.gather([household_id], month.last_day())[household_id]
    outcome = checks.check_household(
        members, policy, as_of=month.last_day(), programme="dibao", declared_income=None
    )
    emit(
        {
            "benchmark": "verification_one_application",
            "household": household_id,
            "items": len(outcome.items),
            "passed": outcome.passed,
            "seconds": round(time.perf_counter() - t0, 3),
            "load_average": os.getloadavg()[0],
        }
    )
    return 0 if loop == set_keys else 1


if __name__ == "__main__":
    sys.exit(main())
