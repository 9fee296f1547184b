"""Score record pairs with Splink and group them into persons.

The stages are: prepare (normalise), train (u by random sampling, m by EM, the match prior from
exact valid ID numbers), predict (score the blocked pairs), cluster (union-find that refuses two
different valid ID numbers). The same Splink SQL runs on DuckDB in one process or on Spark when a
province outgrows one machine.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import pandas as pd
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.database_api import DatabaseAPI
from splink.internals.exceptions import SplinkException

from minzheng.linkage.clustering import RecordPair, cluster_refusing_conflicting_ids
from minzheng.linkage.normalize import prepare_records
from minzheng.linkage.spec import LinkageSpec, chinese_person_spec

Backend = Literal["duckdb", "spark"]

STAGES: tuple[str, ...] = ("prepare", "train", "predict", "cluster")

# Defaults for the decision thresholds, chosen on the synthetic benchmark (docs/linkage.md):
# above 0.95 the pairs are the same person; 0.5–0.99 is wide enough to send every pair a clerk
# might disagree with to review without flooding the queue.
DEFAULT_THRESHOLD = 0.95
DEFAULT_REVIEW_BAND = (0.5, 0.99)

DEFAULT_SEED = 20240601


@dataclass(frozen=True)
class TrainingPlan:
    """How much work training does. The defaults suit 10⁴–10⁷ records; tests on a handful of
    records on Spark use a lighter plan, because there every SQL step costs a Spark job."""

    # Random pairs for the u probabilities: the common levels are seen thousands of times, the
    # rare ones get an upper bound (see _with_unobserved_u_filled).
    u_sample_pairs: float = 1e6
    # EM converges on far fewer pairs than a million-record block produces.
    em_max_pairs: float = 1e6
    em_max_iterations: int = 25
    seed: int = DEFAULT_SEED


REVIEW_REASON_BAND = "匹配概率处于人工复核区间"


@dataclass(frozen=True)
class LinkResult:
    """Who is who, and the evidence.

    `clusters`: record_id → person_id for every input record.
    `pairs`: scored candidate pairs with probability ≥ the lower edge of the review band.
    `review`: the pairs a clerk should look at (uncertain, or refused by the ID rule), with reason.
    """

    clusters: pd.DataFrame
    pairs: pd.DataFrame
    review: pd.DataFrame
    threshold: float
    review_band: tuple[float, float]
    timings: dict[str, float] = field(default_factory=dict)
    # The probability that two random records are the same person: its log2 odds plus the
    # comparisons' weights (mw_*) is each pair's match_weight.
    prior: float | None = None

    @property
    def prior_weight(self) -> float | None:
        if self.prior is None:
            return None
        return math.log2(self.prior / (1 - self.prior))


StageCallback = Callable[[str], None]


def link_records(
    records: pd.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    review_band: tuple[float, float] = DEFAULT_REVIEW_BAND,
    backend: Backend = "duckdb",
    spec: LinkageSpec | None = None,
    prepared: bool = False,
    training: TrainingPlan | None = None,
    spark_session: Any = None,
    on_stage_done: StageCallback | None = None,
    today: date | None = None,
    must_link: Sequence[RecordPair] = (),
    cannot_link: Sequence[RecordPair] = (),
    with_evidence: bool = False,
) -> LinkResult:
    """Link department records about residents into persons.

    `records` has the columns record_id, source, name, id_number, birth_date, sex, phone, address
    (or, with `prepared=True`, the columns the spec needs). Pairs with match probability ≥
    `threshold` join a person unless that would put two different valid ID numbers together.
    `today` (default: the current date) bounds the birth dates an ID number may carry.
    `must_link` / `cannot_link` are clerical decisions (record_id pairs) the clustering obeys.
    `with_evidence` keeps, for every pair, each comparison's match weight (`mw_<name>`) and the
    label of the level it reached (`level_<name>`), for showing a reviewer why a pair scored.
    """
    low, high = review_band
    if not 0.0 <= low <= threshold <= high <= 1.0:
        raise ValueError("need 0 ≤ review_band[0] ≤ threshold ≤ review_band[1] ≤ 1")
    spec = spec or chinese_person_spec()
    timings: dict[str, float] = {}

    @contextmanager
    def stage(name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        timings[name] = round(time.perf_counter() - started, 3)
        if on_stage_done is not None:
            on_stage_done(name)

    with stage("prepare"):
        table = records if prepared else prepare_records(records, today=today or date.today())
        if table["record_id"].duplicated().any():
            raise ValueError("record_id must be unique")

    with stage("train"):
        plan = training or TrainingPlan()
        linker = _trained_linker(
            table[spec.columns], spec, backend, plan, spark_session, with_evidence
        )

    with stage("predict"):
        predictions = linker.inference.predict(threshold_match_probability=low)
        pairs = _pairs_frame(_as_pandas(predictions), with_evidence)
        model = linker.misc.save_model_to_json()
        if with_evidence:
            pairs = _with_level_labels(pairs, model)
        predictions.drop_table_from_database_and_remove_from_cache()

    with stage("cluster"):
        if spec.valid_id_column is not None and spec.valid_flag_column is not None:
            valid_ids = table[spec.valid_id_column].where(
                table[spec.valid_flag_column].astype(bool)
            )
        else:
            valid_ids = pd.Series([None] * len(table), dtype=object)
        clustering = cluster_refusing_conflicting_ids(
            table["record_id"],
            valid_ids,
            pairs,
            threshold,
            must_link=must_link,
            cannot_link=cannot_link,
        )
        in_band = pairs.loc[
            (pairs["match_probability"] >= low) & (pairs["match_probability"] < high)
        ].assign(reason=REVIEW_REASON_BAND)
        review = pd.concat(
            [in_band, clustering.refused.drop(columns=["match_probability"]).merge(pairs)],
            ignore_index=True,
        ).drop_duplicates(["record_id_l", "record_id_r"], keep="last")

    return LinkResult(
        clusters=clustering.persons,
        pairs=pairs,
        review=review.reset_index(drop=True),
        threshold=threshold,
        review_band=review_band,
        timings=timings,
        prior=float(model["probability_two_random_records_match"]),
    )


def _as_pandas(splink_frame: Any) -> pd.DataFrame:
    frame: pd.DataFrame = splink_frame.as_pandas_dataframe()
    return frame


def _pairs_frame(predictions: pd.DataFrame, with_evidence: bool = False) -> pd.DataFrame:
    columns = ["record_id_l", "record_id_r", "match_weight", "match_probability"]
    if with_evidence:
        columns += [c for c in predictions.columns if c.startswith("mw_")]
    pairs = predictions[columns]
    return pairs.astype(
        {
            "record_id_l": str,
            "record_id_r": str,
            "match_weight": float,
            "match_probability": float,
        }
    ).reset_index(drop=True)


# Weights are log2 ratios of stored probabilities; a level reached gives back its own weight to
# float precision, far inside this.
LEVEL_WEIGHT_TOLERANCE = 1e-6


def _with_level_labels(pairs: pd.DataFrame, model: dict[str, Any]) -> pd.DataFrame:
    """Name the level each comparison reached. Splink 5 keeps only the level's match weight
    (`mw_<name>`), and within a comparison every level has its own weight log2(m/u), so the
    nearest one names the level; a null level weighs 0."""
    labelled = pairs.copy()
    for comparison in model["comparisons"]:
        column = f"mw_{comparison['output_column_name']}"
        if column not in labelled.columns:
            continue
        levels: list[tuple[str, float]] = []
        for level in comparison["comparison_levels"]:
            label = str(level.get("label_for_charts") or level.get("sql_condition", ""))
            m, u = level.get("m_probability"), level.get("u_probability")
            if level.get("is_null_level"):
                levels.append((label, 0.0))
            elif m and u:
                levels.append((label, math.log2(float(m) / float(u))))

        def nearest(weight: float, levels: list[tuple[str, float]] = levels) -> str:
            # Levels whose m was never trained have no weight of their own: leave them unnamed.
            close = [item for item in levels if abs(item[1] - weight) < LEVEL_WEIGHT_TOLERANCE]
            return min(close, key=lambda item: abs(item[1] - weight))[0] if close else ""

        labelled[f"level_{comparison['output_column_name']}"] = labelled[column].map(nearest)
    return labelled


def _database(backend: Backend, spark_session: Any) -> DatabaseAPI[Any]:
    if backend == "duckdb":
        return DuckDBAPI()
    if backend == "spark":
        from minzheng.linkage.spark import spark_api

        return spark_api(spark_session)
    raise ValueError(f"unknown backend {backend!r}")


def _trained_linker(
    table: pd.DataFrame,
    spec: LinkageSpec,
    backend: Backend,
    plan: TrainingPlan,
    spark_session: Any,
    with_evidence: bool = False,
) -> Linker:
    database = _database(backend, spark_session)
    registered = database.register(table)
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=list(spec.comparisons),
        blocking_rules_to_generate_predictions=list(spec.prediction_blocking_rules),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=with_evidence,
        max_iterations=plan.em_max_iterations,
    )
    linker = Linker(registered, settings, log_level=logging.WARNING)
    prior = match_prior(table, spec)
    if prior is None:
        default_prior = float(
            linker.misc.save_model_to_json()["probability_two_random_records_match"]
        )
        with contextlib.suppress(ValueError):
            linker.training.estimate_probability_two_random_records_match(
                spec.deterministic_rules, recall=spec.deterministic_recall
            )
        found = float(linker.misc.save_model_to_json()["probability_two_random_records_match"])
        prior = found if 0 < found < 1 else default_prior
    # One chunk: Splink's chunked early stopping saves little here and costs a probe pass.
    linker.training.estimate_u_using_random_sampling(
        max_pairs=plan.u_sample_pairs, seed=plan.seed, num_chunks=1
    )
    linker = _with_unobserved_u_filled(linker, registered, plan.u_sample_pairs, with_evidence)
    for rule in spec.training_blocking_rules:
        # A failed EM session leaves Splink's settings without the comparisons it set aside
        # for its blocking rule (the ID and phone comparisons vanished from the demo's model):
        # start again from the model as it was before the session.
        before = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=plan.em_max_pairs
            )
        except (SplinkException, ValueError):
            # A training block with no pairs, or (on Spark, with a tiny file) an m that
            # underflows to zero, keeps the starting m values of the spec.
            linker = Linker(registered, before, log_level=logging.WARNING, validate_settings=False)
    # The prior is ours, not whatever a training session left behind. The models rebuilt from
    # the first one's JSON skip Splink's check of their columns against the input: the first
    # Linker made it (about 0.1 s of SQL parsing a Linker).
    model = linker.misc.save_model_to_json() | {"probability_two_random_records_match": prior}
    return Linker(registered, model, log_level=logging.WARNING, validate_settings=False)


def match_prior(table: pd.DataFrame, spec: LinkageSpec) -> float | None:
    """The probability that two records drawn at random are the same person.

    Counted from the pairs that share a valid ID number, assumed to find `deterministic_recall`
    of the matches. A registry where no two records share one counts as holding a single match:
    the data show no duplicates, and the prior says so (about 2⁻³² for 100,000 records), so only
    strong evidence lifts a pair into review. A spec without an ID column (FEBRL) gets None:
    Splink then estimates the prior from the spec's deterministic rules.
    """
    if spec.valid_id_column is None or spec.valid_flag_column is None:
        return None
    records = len(table)
    all_pairs = max(records * (records - 1) / 2, 1.0)
    valid = table[spec.valid_id_column].where(table[spec.valid_flag_column].astype(bool))
    counts = valid.dropna().value_counts().to_numpy(dtype=float)
    sure = float((counts * (counts - 1) / 2).sum())
    return min(max(sure, 1.0) / spec.deterministic_recall / all_pairs, 0.5)


def _with_unobserved_u_filled(
    linker: Linker, registered: Any, pairs_sampled: float, with_evidence: bool = False
) -> Linker:
    """Give levels that no random pair reached (two ID edits with the same birth date …) the
    upper bound u = 1 / pairs sampled, instead of Splink's generic default: not seen once in
    a million random pairs means rarer than one in a million."""
    model: dict[str, Any] = linker.misc.save_model_to_json()
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level") and level.get("u_probability") is None:
                level["u_probability"] = 1.0 / pairs_sampled
    model["retain_intermediate_calculation_columns"] = with_evidence
    return Linker(registered, model, log_level=logging.WARNING, validate_settings=False)
