"""One trainer for every dialogue model: Adam, AMP on GPU, early stopping and selection on validation weighted F1.

:func:`fit` sees the train and validation dialogues only: the test split cannot influence which epoch is kept.
:func:`predict` scores any dialogues with the selected weights. Seeds are set in :func:`seed_everything`, the
one place that does it.
"""

from __future__ import annotations

import copy
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import torch
from torch_geometric.data import Data
from torch_geometric.loader import DataLoader
from tqdm.auto import tqdm

from emoflow.extractors.base import resolve_device
from emoflow.models.base import DialogueModel
from emoflow.models.graph_data import IGNORE_INDEX
from emoflow.models.training.metrics import classification_metrics


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation settings (``configs/models/<model>.yaml``, section ``train``).

    ``patience``: stop after this many epochs without a better validation weighted F1 (``None``: run all
    epochs). ``class_weights``: weight the loss by inverse class frequency in the train labels. ``amp``: mixed
    precision, used only on CUDA.
    """

    epochs: int = 60
    batch_size: int = 16
    lr: float = 3e-4
    weight_decay: float = 0.0
    patience: int | None = None
    class_weights: bool = False
    device: str = "auto"
    amp: bool = True

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError(f"epochs and batch_size must be at least 1, got {self.epochs} and {self.batch_size}")

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainConfig:
        """Build from settings; unknown keys are an error naming the valid ones."""
        valid = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - valid)
        if unknown:
            raise ValueError(f"unknown train settings {unknown}; valid: {', '.join(sorted(valid))}")
        return cls(**values)


@dataclass
class FitResult:
    """The selected epoch's weights and validation scores, the per-epoch history and that of the model's pretraining."""

    state_dict: dict[str, torch.Tensor]
    epoch: int
    val_metrics: dict[str, float]
    history: list[dict[str, float]]
    pretrain_history: list[dict[str, float]] = field(default_factory=list)


@dataclass
class Scores:
    """Per-node outputs of :func:`predict`, in dialogue order."""

    gold: np.ndarray
    probabilities: np.ndarray
    utterance_ids: list[str]
    dialogue_ids: list[str]
    splits: list[str]

    @property
    def predicted(self) -> np.ndarray:
        """Argmax class per node."""
        return self.probabilities.argmax(-1)


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch (CPU and CUDA); returns a generator for the data loader's shuffling."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    return torch.Generator().manual_seed(seed)


def class_weights(graphs: Sequence[Data], num_classes: int) -> torch.Tensor:
    """Inverse-frequency weights ``n / (C * n_c)`` from the labels of ``graphs``; absent classes get 0."""
    labels = torch.cat([g.y for g in graphs])
    counts = torch.bincount(labels[labels != IGNORE_INDEX], minlength=num_classes).float()
    return torch.where(counts > 0, counts.sum() / (num_classes * counts.clamp(min=1)), 0.0)


def fit(
    model: DialogueModel,
    train: Sequence[Data],
    val: Sequence[Data],
    config: TrainConfig,
    *,
    seed: int,
    progress: bool = True,
    desc: str = "training",
    on_epoch: Callable[[dict[str, float]], None] | None = None,
) -> FitResult:
    """Train ``model`` on ``train``; keep the epoch with the best weighted F1 on ``val`` (and load it).

    ``on_epoch`` receives each epoch's history record, with ``best_epoch`` added (the flows log it).
    """
    if not train or not val:
        raise ValueError("training needs train and val dialogues (model selection uses the val split only)")
    generator = seed_everything(seed)
    device = torch.device(resolve_device(config.device))
    model.to(device)
    use_amp = config.amp and device.type == "cuda"
    loader = DataLoader(list(train), batch_size=config.batch_size, shuffle=True, generator=generator)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    scaler = torch.amp.GradScaler(device.type, enabled=use_amp)
    weight = class_weights(train, model.spec.num_classes).to(device) if config.class_weights else None
    pretrain_history = model.pretrain(
        loader, device, progress=progress
    )  # a phase of the model's own (AR-IIGCN's GAN), usually none
    best: FitResult | None = None
    history: list[dict[str, float]] = []
    bar = tqdm(range(1, config.epochs + 1), desc=desc, unit="epoch", disable=not progress)
    for epoch in bar:
        started = time.perf_counter()
        model.start_epoch(epoch)
        model.train()
        total, batches = 0.0, 0
        for batch in loader:
            batch = batch.to(device)
            with torch.autocast(device.type, enabled=use_amp):
                output = model(batch)
            loss = model.loss(output, batch.y, weight)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            total, batches = total + float(loss.detach()), batches + 1
        scores = predict(model, val, batch_size=config.batch_size, device=device)
        metrics = classification_metrics(scores.gold, scores.predicted, range_names(model.spec.num_classes))
        record = {
            "epoch": epoch,
            "train_loss": total / max(batches, 1),
            "val_loss": nll(scores),
            "val_weighted_f1": metrics.weighted_f1,
            "val_accuracy": metrics.accuracy,
            "seconds": time.perf_counter() - started,
        }
        history.append(record)
        if best is None or record["val_weighted_f1"] > best.val_metrics["val_weighted_f1"]:
            state = copy.deepcopy({k: v.detach().cpu() for k, v in model.state_dict().items()})
            best = FitResult(state, epoch, {k: v for k, v in record.items() if k != "epoch"}, history, pretrain_history)
        bar.set_postfix(loss=f"{record['train_loss']:.3f}", val_wf1=f"{100 * metrics.weighted_f1:.2f}",
                        best=best.epoch)  # fmt: skip
        if on_epoch is not None:
            on_epoch({**record, "best_epoch": best.epoch})
        if config.patience is not None and epoch - best.epoch >= config.patience:
            break
    assert best is not None
    model.load_state_dict(best.state_dict)
    model.eval()
    return best


@torch.no_grad()
def predict(
    model: DialogueModel, graphs: Sequence[Data], *, batch_size: int = 32, device: torch.device | str | None = None
) -> Scores:
    """Class probabilities for every utterance of ``graphs`` (eval mode, no gradients)."""
    device = torch.device(device) if device is not None else next(model.parameters()).device
    model.eval()
    gold, probabilities, utterances, dialogues, splits = [], [], [], [], []
    for batch in DataLoader(list(graphs), batch_size=batch_size):
        logits = model(batch.to(device)).logits.float()
        probabilities.append(torch.softmax(logits, -1).cpu().numpy())
        gold.append(batch.y.cpu().numpy())
        sizes = (batch.ptr[1:] - batch.ptr[:-1]).tolist()
        for ids, dialogue, split, size in zip(batch.utterance_ids, batch.dialogue_id, batch.split, sizes, strict=True):
            utterances += ids
            dialogues += [dialogue] * size
            splits += [split] * size
    return Scores(np.concatenate(gold), np.concatenate(probabilities), utterances, dialogues, splits)


def nll(scores: Scores) -> float:
    """Mean negative log-likelihood of the gold labels (labelled nodes only)."""
    labelled = scores.gold != IGNORE_INDEX
    if not labelled.any():
        return float("nan")
    picked = scores.probabilities[labelled, scores.gold[labelled]]
    return float(-np.log(np.clip(picked, 1e-12, None)).mean())


def range_names(num_classes: int) -> list[str]:
    """Placeholder class names ``0..C-1`` for scoring inside the trainer."""
    return [str(i) for i in range(num_classes)]
