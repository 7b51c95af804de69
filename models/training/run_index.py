"""The runs in a store, read from their ``config.json`` and ``metrics.json`` (no torch, no checkpoint loaded).

``emoflow runs`` lists them, and the option checks that run before any work use them to name unknown runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from emoflow.storage import FeatureStore


@dataclass(frozen=True)
class RunInfo:
    """One trained run: what it was trained on, its seed and scores (percent), and whether it is promoted."""

    run_id: str
    dataset: str
    model: str
    seed: int
    modalities: str
    epoch: int | None
    val_weighted_f1: float | None
    test_weighted_f1: float | None
    promoted: bool

    def row(self) -> dict[str, Any]:
        """The run as a table row."""

        def percent(value: float | None) -> float | None:
            return None if value is None else round(100 * value, 2)

        return {
            "run": self.run_id,
            "dataset": self.dataset,
            "model": self.model,
            "seed": self.seed,
            "modalities": self.modalities,
            "epoch": self.epoch,
            "val_wf1": percent(self.val_weighted_f1),
            "test_wf1": percent(self.test_weighted_f1),
            "promoted": "yes" if self.promoted else "",
        }


def stored_runs(store: FeatureStore) -> list[str]:
    """The ids of the runs in the store that have a checkpoint."""
    return sorted(p.parent.name for p in (store.root / "runs").glob("*/checkpoint.pt"))


def check_run(store: FeatureStore, run_id: str) -> None:
    """An unknown run is an error listing the runs there are."""
    if not (store.run_dir(run_id) / "checkpoint.pt").is_file():
        raise FileNotFoundError(
            f"no run {run_id!r} in {store.root}/runs (runs: {', '.join(stored_runs(store)) or 'none'}; emoflow runs "
            "lists them)"
        )


def promoted_runs(store: FeatureStore) -> set[str]:
    """The runs named by the promotion records (``current/dataset=*/<model>.json``)."""
    promoted: set[str] = set()
    for record in (store.root / "current").glob("dataset=*/*.json"):
        try:
            promoted.update(json.loads(record.read_text()).get("run_ids", []))
        except (OSError, ValueError):
            continue
    return promoted


def run_infos(store: FeatureStore, *, dataset: str | None = None, model: str | None = None) -> list[RunInfo]:
    """Every run with a checkpoint (of ``dataset`` and ``model`` when given), by dataset, model and seed."""
    promoted = promoted_runs(store)
    infos = []
    for run_id in stored_runs(store):
        folder = store.run_dir(run_id)
        try:
            config = json.loads((folder / "config.json").read_text())
            metrics = json.loads((folder / "metrics.json").read_text())
        except (OSError, ValueError):
            continue  # a run written by a killed process: no record to list
        if (dataset and config.get("dataset") != dataset) or (model and config.get("model") != model):
            continue
        infos.append(
            RunInfo(
                run_id=run_id,
                dataset=config.get("dataset", "?"),
                model=config.get("model", "?"),
                seed=int(config.get("seed", 0)),
                modalities=",".join(config.get("features", {})),
                epoch=metrics.get("epoch"),
                val_weighted_f1=(metrics.get("val") or {}).get("weighted_f1"),
                test_weighted_f1=(metrics.get("test") or {}).get("weighted_f1"),
                promoted=run_id in promoted,
            )
        )
    return sorted(infos, key=lambda i: (i.dataset, i.model, i.seed, i.run_id))
