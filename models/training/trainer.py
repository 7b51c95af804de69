"""One trainer for every dialogue model: Adam, AMP on GPU, early stopping and selection on validation weighted F1.

:func:`fit` sees the train and validation dialogues only: the test split cannot influence which epoch is kept.
The epoch loop and the selection are :func:`emoflow.core.selection.select_on_validation`, shared with the
trained extraction stages. :func:`predict` scores any dialogues with the selected weights. Seeds are set by
:func:`emoflow.core.device.seed_everything`, the one place that does it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch_geometric.data import Data
from torch_geometric.loader import DataLoader

from emoflow.core.device import resolve_device, seed_everything
from emoflow.core.selection import select_on_validation
from emoflow.models.base import DialogueModel
from emoflow.models.graph_data import IGNORE_INDEX
from emoflow.models.training.metrics import classification_metrics
from emoflow.models.training.modality_dropout import drop_modalities
from emoflow.models.training.settings import TrainConfig


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


def class_weights(graphs: Sequence[Data], num_classes: int) -> torch.Tensor:
    """Inverse-frequency weights ``n / (C * n_c)`` from the labels of ``graphs``; absent classes get 0."""
    labels = torch.cat([g.y for g in graphs])
    counts = torch.bincount(labels[labels != IGNORE_INDEX], minlength=num_classes).float()
    return torch.where(counts > 0, counts.sum() / (num_classes * counts.clamp(min=1)), 0.0)


def check_splits(train: int, val: int) -> None:
    """Training needs both splits: epochs (and models) are selected on the val split only, never on test."""
    if not train or not val:
        raise ValueError(
            f"training needs train and val dialogues (model selection uses the val split only); found {train} "
            f"train and {val} val dialogues: mark some dialogues split=val in the corpus"
        )


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
    check_splits(len(train), len(val))
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

    dropping = torch.Generator().manual_seed(seed)  # modality dropout's own draws: reproducible per seed
    modalities = tuple(model.spec.dims)

    def train_epoch(epoch: int) -> dict[str, float]:
        model.start_epoch(epoch)
        model.train()
        total, batches = 0.0, 0
        for batch in loader:
            batch = drop_modalities(batch.to(device), modalities, config.modality_dropout, dropping)
            with torch.autocast(device.type, enabled=use_amp):
                output = model(batch)
            loss = model.loss(output, batch.y, weight)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            total, batches = total + float(loss.detach()), batches + 1
        return {"train_loss": total / max(batches, 1)}

    def validate() -> dict[str, float]:
        scores = predict(model, val, batch_size=config.batch_size, device=device)
        metrics = classification_metrics(scores.gold, scores.predicted, range_names(model.spec.num_classes))
        return {"val_loss": nll(scores), "val_weighted_f1": metrics.weighted_f1, "val_accuracy": metrics.accuracy}

    kept = select_on_validation(
        model,
        config.epochs,
        train_epoch,
        validate,
        patience=config.patience,
        progress=progress,
        desc=desc,
        on_epoch=on_epoch,
    )
    assert kept.state_dict is not None  # a validation split is required above
    return FitResult(kept.state_dict, kept.epoch, kept.record, kept.history, pretrain_history)


@torch.no_grad()
def predict(
    model: DialogueModel, graphs: Sequence[Data], *, batch_size: int = 32, device: torch.device | str | None = None
) -> Scores:
    """Class probabilities for every utterance of ``graphs`` (eval mode, no gradients)."""
    device = torch.device(device) if device is not None else next(model.parameters()).device
    model.eval()
    gold, probabilities, utterances, dialogues, splits = [], [], [], [], []
    for batch in DataLoader(list(graphs), batch_size=batch_size, generator=torch.Generator()):  # no global draw
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
