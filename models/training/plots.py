"""Plots written next to every run: the confusion matrix and the training curves (matplotlib, no display)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from emoflow.models.training.metrics import Metrics


def plot_confusion(metrics: Metrics, path: Path, title: str) -> Path:
    """Row-normalised confusion matrix with the counts written in each cell."""
    counts = np.asarray(metrics.confusion)
    rates = counts / np.maximum(counts.sum(1, keepdims=True), 1)
    size = 1.2 + 0.75 * len(metrics.classes)
    figure, axis = plt.subplots(figsize=(size + 1.5, size))
    image = axis.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    ticks = range(len(metrics.classes))
    axis.set_xticks(ticks, metrics.classes, rotation=45, ha="right")
    axis.set_yticks(ticks, metrics.classes)
    axis.set_xlabel("predicted")
    axis.set_ylabel("gold")
    for i in ticks:
        for j in ticks:
            axis.text(
                j, i, str(counts[i, j]), ha="center", va="center", color="white" if rates[i, j] > 0.5 else "black"
            )
    axis.set_title(f"{title}\naccuracy {100 * metrics.accuracy:.2f}, weighted F1 {100 * metrics.weighted_f1:.2f}")
    figure.colorbar(image, ax=axis, fraction=0.046, label="share of the gold class")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path


def plot_curves(history: Sequence[dict[str, Any]], best_epoch: int, path: Path, title: str) -> Path:
    """Training and validation loss, and validation weighted F1 and accuracy, per epoch; the selected epoch marked."""
    epochs = [h["epoch"] for h in history]
    figure, (losses, scores) = plt.subplots(1, 2, figsize=(11, 4))
    losses.plot(epochs, [h["train_loss"] for h in history], label="train loss")
    losses.plot(epochs, [h["val_loss"] for h in history], label="validation loss")
    scores.plot(epochs, [100 * h["val_weighted_f1"] for h in history], label="validation weighted F1")
    scores.plot(epochs, [100 * h["val_accuracy"] for h in history], label="validation accuracy")
    for axis in (losses, scores):
        axis.axvline(best_epoch, color="grey", linestyle="--", label=f"selected epoch {best_epoch}")
        axis.set_xlabel("epoch")
        axis.legend()
    losses.set_ylabel("loss")
    scores.set_ylabel("%")
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
