"""The Chinese synthetic set: pairwise precision and recall, overall and per noise kind.

    .venv/bin/python benchmarks/linkage_chinese.py [persons]

Prints one JSON line per figure on stdout, and the table of precision, recall and F1 per kind
and overall on stderr. Per kind, a pair counts for a kind when either of its records carries that
noise; twins, namesakes and household members are labelled on all records of the persons
involved. The load average is printed with the figures: the machine may be shared.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date

from minzheng.linkage.accuracy import pairwise_scores, pairwise_scores_by_kind
from minzheng.linkage.engine import link_records
from minzheng.linkage.synthetic import synthetic_records

PERSONS = 50_000
SEED = 11
TODAY = date(2026, 1, 1)


def emit(figure: str, value: float | int, **labels: str) -> None:
    print(json.dumps({"benchmark": "linkage_chinese", "figure": figure, **labels, "value": value}))


QUICK_PERSONS = 2_000


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    argv = [arg for arg in argv if arg != "--quick"]
    persons = int(argv[0]) if argv else (QUICK_PERSONS if quick else PERSONS)
    records = synthetic_records(persons, seed=SEED)
    started = time.perf_counter()
    result = link_records(records.drop(columns=["true_person", "noise_kind"]), today=TODAY)
    elapsed = time.perf_counter() - started

    frame = records.set_index("record_id")
    predicted = result.clusters.set_index("record_id")["person_id"]
    overall = pairwise_scores(predicted, frame["true_person"])
    emit("records", len(records))
    emit("true_pairs", overall.true_pairs)
    emit("precision", overall.precision)
    emit("recall", overall.recall)
    emit("f1", overall.f1)
    by_kind = pairwise_scores_by_kind(predicted, frame["true_person"], frame["noise_kind"])
    for kind, scores in by_kind.items():
        emit("precision", scores.precision, kind=kind)
        emit("recall", scores.recall, kind=kind)
        emit("f1", scores.f1, kind=kind)
        emit("true_pairs", scores.true_pairs, kind=kind)
    emit("review_pairs", len(result.review))
    emit("seconds", round(elapsed, 2))
    emit("load_average_1min", round(os.getloadavg()[0], 2))
    lines = [f"{'kind':<22}{'precision':>11}{'recall':>11}{'F1':>11}{'true pairs':>12}"]
    for kind, scores in [*by_kind.items(), ("overall", overall)]:
        lines.append(
            f"{kind:<22}{scores.precision:>11.5f}{scores.recall:>11.5f}{scores.f1:>11.5f}"
            f"{scores.true_pairs:>12,}"
        )
    print("\n".join(lines), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
