"""The small supervised stages inside extraction (text fine-tuning, the audio encoder), trained the same way.

AdamW on the train split's labels through the shared epoch loop of :mod:`emoflow.core.selection` (the graph
models' trainer uses it too): one pass over validation per epoch, the epoch with the best validation weighted
F1 kept, the test split never read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from emoflow.core.device import seed_everything
from emoflow.core.selection import select_on_validation, weighted_f1
from emoflow.extractors.base import UtteranceInput

Batch = tuple[Any, torch.Tensor]
"""Model inputs and the class indices of the batch."""


@dataclass
class TrainingReport:
    """How a stage trained: classes, best epoch and its validation weighted F1, the per-epoch history."""

    classes: list[str]
    best_epoch: int
    val_weighted_f1: float | None
    history: list[dict[str, float]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, stored next to the trained weights and in the lineage."""
        return {
            "classes": self.classes,
            "best_epoch": self.best_epoch,
            "val_weighted_f1": self.val_weighted_f1,
            "history": self.history,
        }


def training_key(settings: Any, rows: Sequence[UtteranceInput]) -> str:
    """16 hex digits over a trained stage's ``settings`` and its data: each train/val row's content hash and label.

    The cache key of a trained stage: unchanged settings and data find the stage's weights; anything else
    trains anew.
    """
    data = sorted((r.utterance_id, r.content_hash, r.label, r.split) for r in rows if r.split in ("train", "val"))
    payload = json.dumps([settings, data], default=str)
    return hashlib.blake2b(payload.encode(), digest_size=8).hexdigest()


def labelled_splits(rows: Sequence[UtteranceInput]) -> tuple[list[UtteranceInput], list[UtteranceInput], list[str]]:
    """Labelled train rows, labelled val rows, and the classes (sorted labels of train); an error when none."""
    train = [r for r in rows if r.split == "train" and r.label]
    val = [r for r in rows if r.split == "val" and r.label]
    classes = sorted({r.label for r in train if r.label})
    if len(classes) < 2:
        raise ValueError(
            f"training needs labelled train utterances of at least two classes; found {len(train)} labelled "
            f"train utterances with classes {classes}"
        )
    return train, [r for r in val if r.label in classes], classes


def linear_warmup_decay(
    optimizer: torch.optim.Optimizer, steps: int, warmup: float
) -> torch.optim.lr_scheduler.LambdaLR:
    """The learning rate rises linearly over the first ``warmup`` fraction of ``steps``, then falls linearly to 0."""
    steps = max(1, steps)
    rise = max(1, round(warmup * steps))
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / rise, max(0.0, (steps - step) / (steps - rise + 1)))
    )


def train_classifier(
    module: torch.nn.Module,
    logits_of: Callable[[Any], torch.Tensor],
    train: Sequence[Batch],
    val: Sequence[Batch],
    classes: list[str],
    *,
    epochs: int,
    lr: float,
    weight_decay: float = 0.0,
    seed: int = 0,
    warmup: float | None = None,
    progress: bool = True,
    desc: str = "training",
) -> TrainingReport:
    """Train ``module`` (through ``logits_of``) for ``epochs``; leave it holding the best validation epoch's weights.

    Without validation batches the last epoch is kept, and the report says so (``val_weighted_f1`` is ``None``).
    ``warmup``: a fraction of all steps over which the learning rate rises linearly from 0, then decays
    linearly to 0 at the last step; ``None`` keeps it constant.
    """
    seed_everything(seed)
    generator = np.random.default_rng(seed)
    optimizer = torch.optim.AdamW(module.parameters(), lr=lr, weight_decay=weight_decay)
    schedule = None if warmup is None else linear_warmup_decay(optimizer, epochs * len(train), warmup)
    loss_fn = torch.nn.CrossEntropyLoss()

    def train_epoch(epoch: int) -> dict[str, float]:
        module.train()
        total = 0.0
        for index in generator.permutation(len(train)):
            inputs, labels = train[index]
            loss = loss_fn(logits_of(inputs), labels)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if schedule is not None:
                schedule.step()
            total += loss.item()
        return {"train_loss": total / max(1, len(train))}

    def validate() -> dict[str, float]:
        return {"val_weighted_f1": _score(module, logits_of, val)}

    kept = select_on_validation(module, epochs, train_epoch, validate if val else None, progress=progress, desc=desc)
    return TrainingReport(classes, kept.epoch, kept.record.get("val_weighted_f1"), kept.history)


@torch.no_grad()
def _score(module: torch.nn.Module, logits_of: Callable[[Any], torch.Tensor], batches: Sequence[Batch]) -> float:
    module.eval()
    gold, predicted = [], []
    for inputs, labels in batches:
        predicted.append(logits_of(inputs).argmax(-1).cpu().numpy())
        gold.append(labels.cpu().numpy())
    return weighted_f1(np.concatenate(gold), np.concatenate(predicted))
