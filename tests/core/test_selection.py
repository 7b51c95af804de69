"""The shared epoch loop: the first strictly best validation epoch is kept and loaded; patience; no validation."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from emoflow.core.selection import select_on_validation, weighted_f1


def run(scores, **options):
    module = torch.nn.Linear(1, 1, bias=False)
    epochs = iter(range(len(scores)))

    def train_epoch(epoch: int) -> dict[str, float]:
        with torch.no_grad():
            module.weight.fill_(float(epoch))  # the weights say which epoch they come from
        return {"train_loss": 1.0 / epoch}

    def validate() -> dict[str, float]:
        return {"val_weighted_f1": scores[next(epochs)]}

    kept = select_on_validation(module, len(scores), train_epoch, validate, progress=False, **options)
    return kept, module


def test_the_first_best_epoch_is_kept_and_its_weights_loaded():
    kept, module = run([0.2, 0.5, 0.5, 0.4])
    assert kept.epoch == 2 and kept.record["val_weighted_f1"] == 0.5 and module.weight.item() == 2.0
    assert [h["epoch"] for h in kept.history] == [1, 2, 3, 4] and not module.training


def test_patience_stops_after_epochs_without_a_better_score():
    kept, _ = run([0.2, 0.5, 0.4, 0.3, 0.9], patience=2)
    assert kept.epoch == 2 and len(kept.history) == 4


def test_without_validation_the_last_epoch_is_kept():
    module = torch.nn.Linear(1, 1)
    kept = select_on_validation(module, 3, lambda e: {"train_loss": 0.0}, None, progress=False)
    assert kept.epoch == 3 and kept.state_dict is None and "val_weighted_f1" not in kept.record


def test_weighted_f1_is_support_weighted():
    # class 0: precision 1, recall 1/2, F1 2/3, support 2; class 1: precision 3/4, recall 1, F1 6/7, support 3
    assert weighted_f1([0, 0, 1, 1, 1], [0, 1, 1, 1, 1]) == pytest.approx((2 * 2 / 3 + 3 * 6 / 7) / 5)


@pytest.mark.parametrize("seed", range(5))
def test_weighted_f1_is_scikit_learns(seed):
    from sklearn.metrics import f1_score

    generator = np.random.default_rng(seed)
    gold, predicted = generator.integers(0, 5, 40), generator.integers(0, 6, 40)  # a class only predicted, too
    for labels in (None, [0, 1, 2, 3, 4], [0, 2, 7]):  # and a class in neither
        expected = f1_score(gold, predicted, labels=labels, average="weighted", zero_division=0)
        assert weighted_f1(gold, predicted, labels) == pytest.approx(expected, abs=1e-12)
    words = np.array(["joy", "anger", "neutral"])[generator.integers(0, 3, 30)]
    assert weighted_f1(words, ["neutral"] * 30) == pytest.approx(
        f1_score(words, ["neutral"] * 30, average="weighted", zero_division=0), abs=1e-12
    )  # the majority-class baseline, on label names
