"""Re-evaluate 1,000,000 synthetic households with the batch evaluator; compare with the pure rules loop.

Prints JSON lines. The loop is timed on a 10,000 sample and the ratio is per household.
Run: .venv/bin/python benchmarks/rules_batch.py [households] [sample] [--quick]  (--quick: 20,000 / 1,000)
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

try:
    import minzheng  # noqa: F401
except ModuleNotFoundError:  # run from a checkout without an editable install
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from minzheng.assistance.batch import evaluate_batch
from minzheng.assistance.parameter_catalog import default_parameters
from minzheng.assistance.rules import evaluate_household
from minzheng.assistance.synthetic import disagreements, facts_from_columns, synthetic_columns


def main(households: int = 1_000_000, sample: int = 10_000) -> None:
    started = time.perf_counter()
    hc, mc, sc = synthetic_columns(households, seed=20200601)
    generated = time.perf_counter() - started
    params = {region: default_parameters(region, hc.as_of) for region in hc.regions}

    started = time.perf_counter()
    result = evaluate_batch(hc, mc, sc, params)
    batch_seconds = time.perf_counter() - started

    rows = np.random.default_rng(7).choice(households, size=min(sample, households), replace=False)
    facts = facts_from_columns(hc, mc, sc, rows)
    started = time.perf_counter()
    for one in facts:
        evaluate_household(one, params[one.region_code])
    loop_seconds = time.perf_counter() - started
    mismatches = disagreements(result, hc, mc, sc, rows, params)

    batch_rate = households / batch_seconds
    loop_rate = len(rows) / loop_seconds
    print(
        json.dumps(
            {
                "benchmark": "rules_batch",
                "households": households,
                "members": len(mc),
                "seconds": round(batch_seconds, 3),
                "per_second": round(batch_rate),
                "ratio_vs_loop": round(batch_rate / loop_rate, 1),
                "generate_seconds": round(generated, 3),
                "dibao": int(result.dibao_route.astype(bool).sum()),
                "dibian": int(result.dibian_eligible.sum()),
                "tekun": int(result.tekun_eligible.sum()),
                "single_person": int(result.single_person_eligible.sum()),
            }
        )
    )
    print(
        json.dumps(
            {
                "benchmark": "rules_loop_sample",
                "households": len(rows),
                "seconds": round(loop_seconds, 3),
                "per_second": round(loop_rate),
                "agree": not mismatches,
                "disagreements": len(mismatches),
            }
        )
    )
    if mismatches:
        raise SystemExit(
            f"batch and rules disagree on {len(mismatches)} households, e.g. {mismatches[0]}"
        )


if __name__ == "__main__":
    arguments = [arg for arg in sys.argv[1:] if arg != "--quick"]
    if "--quick" in sys.argv[1:] and not arguments:
        arguments = ["20000", "1000"]
    main(*(int(arg) for arg in arguments[:2]))
