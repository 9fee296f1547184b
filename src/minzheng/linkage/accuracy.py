"""Pairwise precision and recall of a clustering against the known truth.

A pair of records is "predicted" when both land in the same person and "true" when both describe
the same real person. Counting pairs (not clusters) is the usual record-linkage measure and is what
the FEBRL literature reports.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class PairwiseScores:
    true_positives: int
    predicted_pairs: int
    true_pairs: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _pairs_in_groups(sizes: pd.Series) -> int:
    counts = sizes.to_numpy(dtype=np.int64)
    return int((counts * (counts - 1) // 2).sum())


def pairwise_scores(predicted: pd.Series, truth: pd.Series) -> PairwiseScores:
    """Scores from two labelings of the same records (index: record_id, values: cluster ids)."""
    frame = pd.DataFrame({"predicted": predicted, "truth": truth.reindex(predicted.index)})
    if frame["truth"].isna().any():
        raise ValueError("every predicted record needs a true label")
    return PairwiseScores(
        true_positives=_pairs_in_groups(frame.groupby(["predicted", "truth"]).size()),
        predicted_pairs=_pairs_in_groups(frame.groupby("predicted").size()),
        true_pairs=_pairs_in_groups(frame.groupby("truth").size()),
    )


def _pair_list(labels: pd.Series) -> pd.DataFrame:
    """All unordered pairs of records sharing a label, as (a, b) with a < b."""
    frame = pd.DataFrame({"record": labels.index.to_numpy(), "label": labels.to_numpy()})
    sizes = frame.groupby("label")["record"].transform("size")
    frame = frame.loc[sizes > 1]
    pairs = frame.merge(frame, on="label", suffixes=("_a", "_b"))
    pairs = pairs.loc[pairs["record_a"] < pairs["record_b"]]
    return pairs[["record_a", "record_b"]].reset_index(drop=True)


def pairwise_scores_by_kind(
    predicted: pd.Series, truth: pd.Series, kind: pd.Series
) -> dict[str, PairwiseScores]:
    """Scores restricted, for each noise kind, to the pairs that involve a record of that kind.

    All three series are indexed by record_id.
    """
    predicted_pairs = _pair_list(predicted)
    true_pairs = _pair_list(truth.reindex(predicted.index))
    key = ["record_a", "record_b"]
    predicted_pairs["is_true"] = (
        predicted_pairs.merge(true_pairs.assign(hit=True), on=key, how="left")["hit"]
        .fillna(False)
        .astype(bool)
        .to_numpy()
    )
    # A pair that is both predicted and true is counted once from either side, so the predicted
    # pairs alone give the true positives.
    scores: dict[str, PairwiseScores] = {}
    for name in sorted(kind.dropna().unique()):
        members = set(kind.index[kind == name])
        touches_pred = predicted_pairs["record_a"].isin(members) | predicted_pairs["record_b"].isin(
            members
        )
        touches_true = true_pairs["record_a"].isin(members) | true_pairs["record_b"].isin(members)
        scores[str(name)] = PairwiseScores(
            true_positives=int(predicted_pairs.loc[touches_pred, "is_true"].sum()),
            predicted_pairs=int(touches_pred.sum()),
            true_pairs=int(touches_true.sum()),
        )
    return scores
