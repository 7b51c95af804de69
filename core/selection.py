"""The one epoch loop with model selection on validation, for graph models and trained extraction stages alike.

The graph-model trainer and the trained extraction stages (text fine-tuning, the audio encoder) use it. Each
epoch trains, then scores the validation split; the epoch with the best validation weighted F1 (strictly better
than every earlier one) is kept and loaded back at the end. The test split never enters: callers pass
a train step and a validation scorer only. Without a validation scorer the last epoch is kept.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

SELECTION_METRIC = "val_weighted_f1"


def weighted_f1(
    gold: Sequence[Any] | Any, predicted: Sequence[Any] | Any, labels: Sequence[Any] | None = None
) -> float:
    """Support-weighted F1, as the papers report it (scikit-learn's ``average="weighted"``, ``zero_division=0``).

    The score every selection uses. Per class ``F1 = 2 TP / (support + predicted count)``, 0 where both are 0,
    weighted by the class's support; ``labels`` (default: every label in ``gold`` or ``predicted``) are the
    classes averaged over. Computed with numpy: scikit-learn costs seconds to import.
    """
    gold_array, predicted_array = np.asarray(gold), np.asarray(predicted)
    classes = np.union1d(gold_array, predicted_array) if labels is None else np.asarray(labels)
    is_gold = gold_array[None, :] == classes[:, None]
    is_predicted = predicted_array[None, :] == classes[:, None]
    support, predicted_count = is_gold.sum(1), is_predicted.sum(1)
    true_positive = (is_gold & is_predicted).sum(1)
    denominator = support + predicted_count
    f1 = np.divide(2.0 * true_positive, denominator, out=np.zeros(len(classes)), where=denominator > 0)
    return float((f1 * support).sum() / support.sum()) if support.sum() else 0.0


@dataclass
class Selection:
    """The kept epoch, its record (``val_*`` scores, ``train_loss``, ``seconds``) and weights; every epoch's record."""

    epoch: int
    record: dict[str, float]
    state_dict: dict[str, torch.Tensor] | None
    history: list[dict[str, float]] = field(default_factory=list)


def select_on_validation(
    module: torch.nn.Module,
    epochs: int,
    train_epoch: Callable[[int], dict[str, float]],
    validate: Callable[[], dict[str, float]] | None,
    *,
    patience: int | None = None,
    progress: bool = True,
    desc: str = "training",
    on_epoch: Callable[[dict[str, float]], None] | None = None,
) -> Selection:
    """Run ``train_epoch(epoch)`` then ``validate()`` for each epoch; leave ``module`` holding the kept epoch.

    ``validate`` returns the epoch's validation scores including ``val_weighted_f1``. ``patience`` stops after
    that many epochs without a better score. ``on_epoch`` receives each record with ``best_epoch`` added.
    """
    best: Selection | None = None
    history: list[dict[str, float]] = []
    bar = tqdm(range(1, epochs + 1), desc=desc, unit="epoch", disable=not progress)
    for epoch in bar:
        started = time.perf_counter()
        record: dict[str, float] = {"epoch": epoch, **train_epoch(epoch)}
        if validate is not None:
            record.update(validate())
        record["seconds"] = time.perf_counter() - started
        history.append(record)
        scores = {k: v for k, v in record.items() if k != "epoch"}
        if validate is None:
            best = Selection(epoch, scores, None, history)
        elif best is None or record[SELECTION_METRIC] > best.record[SELECTION_METRIC]:
            state = copy.deepcopy({k: v.detach().cpu() for k, v in module.state_dict().items()})
            best = Selection(epoch, scores, state, history)
        postfix = {"loss": f"{record.get('train_loss', float('nan')):.3f}", "best": best.epoch}
        if SELECTION_METRIC in record:
            postfix["val_wf1"] = f"{100 * record[SELECTION_METRIC]:.2f}"
        bar.set_postfix(postfix)
        if on_epoch is not None:
            on_epoch({**record, "best_epoch": best.epoch})
        if patience is not None and epoch - best.epoch >= patience:
            break
    if best is None:
        raise ValueError("training needs at least one epoch")
    if best.state_dict is not None:
        module.load_state_dict(best.state_dict)
    module.eval()
    return best
