"""Plots: a run's confusion matrix and training curves, and a predicted dialogue's timeline (matplotlib, no display)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from emoflow.models.training.emotion_colours import emotion_colours
from emoflow.models.training.metrics import Metrics
from emoflow.storage.atomic import atomic_path


def pyplot() -> Any:
    """Matplotlib's pyplot on the file-only Agg backend, imported on first use (a cached run draws nothing)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot

    return matplotlib.pyplot


def save_figure(figure: Any, path: Path, dpi: int) -> None:
    """Write ``figure`` as a PNG at ``path`` atomically, and close it."""
    plt = pyplot()
    with atomic_path(path) as partial:
        figure.savefig(partial, dpi=dpi, format="png")
    plt.close(figure)


def plot_confusion(metrics: Metrics, path: Path, title: str) -> Path:
    """Row-normalised confusion matrix with the counts written in each cell."""
    plt = pyplot()
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
    save_figure(figure, path, dpi=120)
    return path


def plot_curves(history: Sequence[dict[str, Any]], best_epoch: int, path: Path, title: str) -> Path:
    """Training and validation loss, and validation weighted F1 and accuracy, per epoch; the selected epoch marked."""
    plt = pyplot()
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
    save_figure(figure, path, dpi=120)
    return path


def plot_timeline(turns: Sequence[dict[str, Any]], path: Path, title: str) -> Path:
    """A dialogue's predicted emotion per turn, one lane per speaker.

    A dot per utterance coloured by its emotion, its size and the printed number the probability of that
    emotion; the gold label too, when it is known. Turns that carry ``start_s``/``end_s`` (segments of one long
    recording) are drawn as bars over time instead.
    """
    plt = pyplot()
    if all(t.get("start_s") is not None for t in turns):
        return _plot_time_lanes(turns, path, title)
    classes = list(turns[0]["classes"])
    colours = emotion_colours(classes)
    speakers = list(dict.fromkeys(t["speaker"] for t in turns))
    lane = {s: i for i, s in enumerate(speakers)}
    figure, axis = plt.subplots(figsize=(max(6.0, 1.1 + 0.7 * len(turns)), 1.4 + 0.75 * len(speakers)))
    for x, turn in enumerate(turns):
        y = lane[turn["speaker"]]
        colour = colours[turn["predicted"]]
        axis.scatter([x], [y], s=120 + 500 * turn["confidence"], color=colour, alpha=0.85, edgecolors="black")
        gold = f"\n(gold {turn['label']})" if turn.get("label") else ""
        axis.annotate(
            f"{turn['predicted']}\n{turn['confidence']:.2f}{gold}",
            (x, y),
            textcoords="offset points",
            xytext=(0, 16),
            ha="center",
            fontsize=7,
        )
    axis.plot(range(len(turns)), [lane[t["speaker"]] for t in turns], color="grey", linewidth=0.6, zorder=0)
    axis.set_yticks(range(len(speakers)), speakers)
    axis.set_ylim(-0.6, len(speakers) - 0.2)
    axis.set_xticks(range(len(turns)), [str(t["turn"]) for t in turns])
    axis.set_xlabel("turn")
    axis.set_title(title, fontsize=9)
    return _save_with_legend(figure, axis, turns, classes, "o", path)


def _plot_time_lanes(turns: Sequence[dict[str, Any]], path: Path, title: str) -> Path:
    """A recording's predicted emotions over time: one lane per speaker, one bar per utterance.

    Each bar is named by its emotion (where it is wide enough) and is as opaque as the model is sure: a faded bar
    is an unsure prediction; the caption says so.
    """
    plt = pyplot()
    classes = list(turns[0]["classes"])
    colours = emotion_colours(classes)
    speakers = sorted({t["speaker"] for t in turns})
    lane = {s: i for i, s in enumerate(speakers)}
    end = max(t["end_s"] for t in turns)
    width_in = min(24.0, max(7.0, 1.5 + end / 6))
    figure, axis = plt.subplots(figsize=(width_in, 1.6 + 0.7 * len(speakers)))
    for turn in turns:
        span = (turn["start_s"], turn["end_s"] - turn["start_s"])
        axis.broken_barh(
            [span],
            (lane[turn["speaker"]] - 0.35, 0.7),
            facecolors=colours[turn["predicted"]],
            alpha=0.25 + 0.7 * turn["confidence"],
            edgecolor="black",
            linewidth=0.4,
        )
        if span[1] / end * width_in * 72 >= 5.5 * len(turn["predicted"]):  # the name fits inside the bar (points)
            axis.text(
                span[0] + span[1] / 2, lane[turn["speaker"]], turn["predicted"], ha="center", va="center", fontsize=7
            )
    axis.set_yticks(range(len(speakers)), speakers)
    axis.set_ylim(-0.6, len(speakers) - 0.4)
    axis.set_xlim(0, end * 1.01)
    axis.set_xlabel("seconds into the recording (bar opacity: the model's confidence; faded = unsure)")
    axis.set_title(title.replace("per turn", "over time"), fontsize=9)
    return _save_with_legend(figure, axis, turns, classes, "s", path)


def _save_with_legend(
    figure: Any, axis: Any, turns: Sequence[dict[str, Any]], classes: list[str], marker: str, path: Path
) -> Path:
    """A legend of the emotions the timeline shows (in the classes' colours) beside it, then the PNG."""
    plt = pyplot()
    colours = emotion_colours(classes)
    shown = [c for c in classes if any(t["predicted"] == c for t in turns)]
    handles = [plt.Line2D([], [], marker=marker, linestyle="", color=colours[c], label=c) for c in shown]
    axis.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    figure.tight_layout()
    save_figure(figure, path, dpi=110)
    return path
