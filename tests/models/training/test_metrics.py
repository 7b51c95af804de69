"""Metrics equal scikit-learn's on hand-made predictions; the papers' table layout."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score

from emoflow.models.graph_data import IGNORE_INDEX
from emoflow.models.training.metrics import (
    Metrics,
    classification_metrics,
    majority_baseline,
    paper_table,
    support_table,
)

CLASSES = ["anger", "joy", "neutral"]
GOLD = [0, 0, 0, 1, 1, 2, 2, 2, 2, IGNORE_INDEX]
PREDICTED = [0, 1, 0, 1, 2, 2, 2, 0, 2, 1]


def test_overall_scores_equal_sklearn_and_skip_unlabelled():
    metrics = classification_metrics(GOLD, PREDICTED, CLASSES)
    gold, predicted = GOLD[:-1], PREDICTED[:-1]
    assert metrics.support == 9
    assert metrics.accuracy == pytest.approx(accuracy_score(gold, predicted)) == pytest.approx(6 / 9)
    assert metrics.weighted_f1 == pytest.approx(f1_score(gold, predicted, average="weighted"))
    assert metrics.macro_f1 == pytest.approx(f1_score(gold, predicted, average="macro"))


def test_per_class_accuracy_is_recall_and_f1_by_hand():
    metrics = classification_metrics(GOLD, PREDICTED, CLASSES)
    anger, joy, neutral = metrics.per_class
    assert (anger.support, joy.support, neutral.support) == (3, 2, 4)
    assert anger.accuracy == pytest.approx(2 / 3) and joy.accuracy == pytest.approx(1 / 2)
    assert neutral.accuracy == pytest.approx(3 / 4)
    # anger: precision 2/3, recall 2/3 -> F1 2/3; joy: precision 1/2, recall 1/2; neutral: precision 3/4, recall 3/4
    assert [c.f1 for c in metrics.per_class] == pytest.approx([2 / 3, 1 / 2, 3 / 4])
    assert metrics.confusion == [[2, 1, 0], [0, 1, 1], [1, 0, 3]]


def test_a_class_never_seen_scores_zero_not_an_error():
    metrics = classification_metrics([0, 0], [0, 1], ["a", "b", "c"])
    assert metrics.per_class[2].support == 0 and metrics.per_class[2].f1 == 0.0
    assert np.array(metrics.confusion).shape == (3, 3)


def test_round_trip_and_paper_table_layout():
    metrics = classification_metrics(GOLD, PREDICTED, CLASSES)
    assert Metrics.from_dict(metrics.as_dict()) == metrics
    table = paper_table({"run-1 test": metrics}).splitlines()
    assert table[0] == "|  | anger ACC | anger F1 | joy ACC | joy F1 | neutral ACC | neutral F1 | WA | WF1 | macro F1 |"
    assert table[2].startswith("| run-1 test | 66.67 | 66.67 | 50.00 | 50.00 | 75.00 | 75.00 | 66.67 |")


def test_nothing_labelled_is_an_error():
    with pytest.raises(ValueError, match="no labelled utterances"):
        classification_metrics([IGNORE_INDEX], [0], CLASSES)


def test_the_majority_baseline_is_the_weighted_f1_of_always_predicting_the_train_majority():
    classes = ["anger", "joy", "neutral"]
    train = [2, 2, 2, 1, 0, IGNORE_INDEX]
    val_gold = np.array([2, 1, 1, 0, 2, 1])
    val = classification_metrics(val_gold, val_gold, classes)
    baseline = majority_baseline(train, classes, {"val": val})
    assert (baseline.label, baseline.train_count) == ("neutral", 3)
    expected = f1_score(val_gold, np.full_like(val_gold, 2), average="weighted", zero_division=0)
    assert baseline.weighted_f1["val"] == pytest.approx(expected)
    assert support_table({"val": val}).splitlines()[-1] == "| val | 1 | 3 | 2 | 6 |"
