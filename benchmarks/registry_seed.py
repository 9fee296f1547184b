"""Seeding the synthetic registry into a fresh SQLite file: seconds, persons per second, peak RSS.

    .venv/bin/python benchmarks/registry_seed.py [--quick] [--persons N]

`city` scale (1,000,000 persons) by default; --quick seeds 20,000. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--persons", type=int)
    args = parser.parse_args()
    persons = args.persons or (20_000 if args.quick else 1_000_000)
    with tempfile.TemporaryDirectory(prefix="minzheng-seed-") as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'seed.sqlite3'}"
        os.environ["MINZHENG_VAR_DIR"] = tmp
        os.environ["DJANGO_SETTINGS_MODULE"] = "minzheng.settings"
        import django

        django.setup()
        from django.core.management import call_command

        from minzheng.core.crypto import Keyring

        os.environ.setdefault("MINZHENG_KEYS", Keyring.generate().to_json())
        from minzheng.regions.loader import load_divisions
        from minzheng.registry.seed import seed_registry

        call_command("migrate", interactive=False, verbosity=0)
        load_divisions()
        started = time.perf_counter()
        report = seed_registry("city", 2020, persons=persons)
        seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "benchmark": "registry_seed",
                "database": "sqlite",
                "persons": report.persons,
                "households": report.households,
                "seconds": round(seconds, 1),
                "persons_per_second": round(report.persons / seconds),
                "peak_rss_mb": round(peak_kb / 1024),
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
