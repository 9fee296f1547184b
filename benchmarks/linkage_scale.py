"""End-to-end linkage at 100,000 and 1,000,000 records: seconds per stage and peak memory.

Each size runs in its own child process, so the peak resident memory (getrusage maxrss) belongs
to that run alone. The synthetic records are generated first and read from Parquet by the child;
generation is not timed. Prints one JSON line per figure, then the 1M/100k time ratio.

    .venv/bin/python benchmarks/linkage_scale.py            # both sizes
    .venv/bin/python benchmarks/linkage_scale.py 100000     # one size
    .venv/bin/python benchmarks/linkage_scale.py --quick    # 20,000 records, a smoke test
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd

from minzheng.linkage.engine import link_records
from minzheng.linkage.synthetic import synthetic_records

SIZES = (100_000, 1_000_000)
QUICK_SIZE = 20_000
# The generator makes two records per person on average.
RECORDS_PER_PERSON = 2
SEED = 2024
TODAY = date(2026, 1, 1)


def run_child(path: Path, size: int) -> dict[str, float]:
    records = pd.read_parquet(path)
    started = time.perf_counter()
    result = link_records(records, today=TODAY)
    total = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures: dict[str, float] = {
        f"seconds_{stage}": value for stage, value in result.timings.items()
    }
    figures["seconds_total"] = round(total, 3)
    figures["peak_rss_mb"] = round(peak_mb, 1)
    figures["records"] = len(records)
    figures["persons_found"] = int(result.clusters["person_id"].nunique())
    figures["scored_pairs"] = len(result.pairs)
    for name, value in figures.items():
        print(
            json.dumps({"benchmark": "linkage_scale", "size": size, "figure": name, "value": value})
        )
    return figures


def main(argv: list[str]) -> None:
    if len(argv) == 3 and argv[0] == "--child":
        run_child(Path(argv[1]), int(argv[2]))
        return
    quick = "--quick" in argv
    argv = [arg for arg in argv if arg != "--quick"]
    sizes = [int(arg) for arg in argv] or ([QUICK_SIZE] if quick else list(SIZES))
    totals: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="minzheng-scale-") as folder:
        for size in sizes:
            path = Path(folder) / f"records_{size}.parquet"
            records = synthetic_records(size // RECORDS_PER_PERSON, seed=SEED)
            records.drop(columns=["true_person", "noise_kind"]).to_parquet(path)
            del records
            output = subprocess.run(
                [sys.executable, __file__, "--child", str(path), str(size)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            for line in output.splitlines():
                if line.startswith("{"):
                    print(line, flush=True)
                    figure = json.loads(line)
                    if figure["figure"] == "seconds_total":
                        totals[size] = figure["value"]
    if len(totals) == 2:
        small, large = sorted(totals)
        ratio = totals[large] / totals[small]
        print(
            json.dumps(
                {
                    "benchmark": "linkage_scale",
                    "figure": f"time_ratio_{large}_over_{small}",
                    "value": round(ratio, 2),
                }
            )
        )


if __name__ == "__main__":
    main(sys.argv[1:])
