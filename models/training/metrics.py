"""Classification metrics as the papers report them, computed with scikit-learn.

Accuracy (the papers' "WA"/"WAA"/"wa-ACC"), support-weighted F1 ("WF1"/"wa-F1"), macro F1, and per class the
accuracy (the class's recall, the "ACC" column of the per-class tables) and F1, plus the confusion matrix.
Unlabelled utterances (:data:`~models.graph_data.IGNORE_INDEX`) are left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from emoflow.core.selection import weighted_f1
from emoflow.models.graph_data import IGNORE_INDEX


@dataclass(frozen=True)
class ClassScore:
    """One class's row: support, accuracy (recall) and F1."""

    name: str
    support: int
    accuracy: float
    f1: float


@dataclass(frozen=True)
class Metrics:
    """The scores of one split of one run."""

    accuracy: float
    weighted_f1: float
    macro_f1: float
    support: int
    per_class: list[ClassScore]
    confusion: list[list[int]]

    @property
    def classes(self) -> list[str]:
        """Class names in index order."""
        return [c.name for c in self.per_class]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Metrics:
        """Inverse of :meth:`as_dict`."""
        return cls(**{**data, "per_class": [ClassScore(**c) for c in data["per_class"]]})


def classification_metrics(
    gold: Sequence[int] | np.ndarray, predicted: Sequence[int] | np.ndarray, classes: Sequence[str]
) -> Metrics:
    """Metrics of ``predicted`` against ``gold`` (class indices; ``IGNORE_INDEX`` entries skipped)."""
    gold_array, predicted_array = np.asarray(gold), np.asarray(predicted)
    keep = gold_array != IGNORE_INDEX
    gold_array, predicted_array = gold_array[keep], predicted_array[keep]
    if gold_array.size == 0:
        raise ValueError("no labelled utterances to score")
    labels = list(range(len(classes)))
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, recall_score  # not on a cached run

    recall = recall_score(gold_array, predicted_array, labels=labels, average=None, zero_division=0)
    f1 = f1_score(gold_array, predicted_array, labels=labels, average=None, zero_division=0)
    support = np.bincount(gold_array, minlength=len(classes))
    return Metrics(
        accuracy=float(accuracy_score(gold_array, predicted_array)),
        weighted_f1=weighted_f1(gold_array, predicted_array, labels),
        macro_f1=float(f1_score(gold_array, predicted_array, labels=labels, average="macro", zero_division=0)),
        support=int(gold_array.size),
        per_class=[ClassScore(name, int(support[i]), float(recall[i]), float(f1[i])) for i, name in enumerate(classes)],
        confusion=confusion_matrix(gold_array, predicted_array, labels=labels).tolist(),
    )


@dataclass(frozen=True)
class MajorityBaseline:
    """Always predicting the train split's most frequent class: the floor a useful model must beat.

    ``weighted_f1``: split -> its weighted F1. For a split of ``n`` labelled utterances, ``s`` of them of that
    class, only that class scores: precision ``s / n``, recall 1, so F1 ``2s / (s + n)``, weighted by ``s / n``.
    """

    label: str
    train_count: int
    weighted_f1: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def majority_baseline(
    train_gold: Sequence[int] | np.ndarray, classes: Sequence[str], scored: Mapping[str, Metrics]
) -> MajorityBaseline:
    """The majority class of ``train_gold`` (class indices, unlabelled skipped) and its weighted F1 per split."""
    gold = np.asarray(train_gold)
    counts = np.bincount(gold[gold != IGNORE_INDEX], minlength=len(classes))
    majority = int(np.argmax(counts))
    scores = {}
    for split, metrics in scored.items():
        n, s = metrics.support, metrics.per_class[majority].support
        scores[split] = (s / n) * (2 * s / (s + n)) if n and s else 0.0
    return MajorityBaseline(classes[majority], int(counts[majority]), scores)


def support_table(rows: Mapping[str, Metrics]) -> str:
    """Markdown table of the labelled utterances per class and split."""
    if not rows:
        return ""
    classes = next(iter(rows.values())).classes
    lines = ["| split | " + " | ".join(classes) + " | all |", "|" + "---|" * (len(classes) + 2)]
    for name, metrics in rows.items():
        counts = [str(c.support) for c in metrics.per_class]
        lines.append("| " + " | ".join([name, *counts, str(metrics.support)]) + " |")
    return "\n".join(lines)


def paper_table(rows: Mapping[str, Metrics]) -> str:
    """Markdown table in the papers' layout: per class ACC and F1, then accuracy and weighted F1, in percent."""
    if not rows:
        return ""
    classes = next(iter(rows.values())).classes
    header = ["", *[f"{c} {kind}" for c in classes for kind in ("ACC", "F1")], "WA", "WF1", "macro F1"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, metrics in rows.items():
        cells = [f"{100 * v:.2f}" for c in metrics.per_class for v in (c.accuracy, c.f1)]
        cells += [f"{100 * v:.2f}" for v in (metrics.accuracy, metrics.weighted_f1, metrics.macro_f1)]
        lines.append("| " + " | ".join([name, *cells]) + " |")
    return "\n".join(lines)
