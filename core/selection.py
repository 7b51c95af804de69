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

import torch
from tqdm.auto import tqdm

SELECTION_METRIC = "val_weighted_f1"


def weighted_f1(gold: Sequence[int] | Any, predicted: Sequence[int] | Any, labels: Sequence[int] | None = None
                ) -> float:  # fmt: skip
    """Support-weighted F1 (scikit-learn), as the papers report it; the score every selection uses."""
    from sklearn.metrics import f1_score

    return float(f1_score(gold, predicted, labels=labels, average="weighted", zero_division=0))


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
