"""The current model of a dataset: which runs serve, and the rule for replacing them.

``<store>/current/dataset=<d>/<model>.json`` names the runs (one per seed) of the model in use with their mean
validation weighted F1. A candidate is promoted only when its validation weighted F1 beats the majority-class
baseline's (always predicting the train split's most frequent class) and is not worse than the current model's;
the test split plays no part in the decision. The file is replaced atomically and keeps the previous record.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from emoflow.storage import FeatureStore
from emoflow.storage.atomic import write_text_atomic


@dataclass(frozen=True)
class ModelRecord:
    """A model's runs and their mean validation (and test, for the record) weighted F1."""

    dataset: str
    model: str
    run_ids: tuple[str, ...]
    val_weighted_f1: float
    test_weighted_f1: float | None = None
    majority_val_weighted_f1: float | None = None

    @classmethod
    def from_runs(cls, dataset: str, model: str, runs: list[dict[str, Any]]) -> ModelRecord:
        """A record of ``runs`` (dicts with run_id, val_weighted_f1, test_weighted_f1, majority_val_weighted_f1)."""
        if not runs:
            raise ValueError(f"no runs of {model} on {dataset} to record")
        tests = [r["test_weighted_f1"] for r in runs if r.get("test_weighted_f1") is not None]
        floors = [r["majority_val_weighted_f1"] for r in runs if r.get("majority_val_weighted_f1") is not None]
        return cls(
            dataset,
            model,
            tuple(r["run_id"] for r in runs),
            sum(r["val_weighted_f1"] for r in runs) / len(runs),
            sum(tests) / len(tests) if tests else None,
            max(floors) if len(floors) == len(runs) else None,
        )


def current_path(store: FeatureStore, dataset: str, model: str) -> Path:
    """Where the current model's record of ``dataset`` lives."""
    return store.root / "current" / f"dataset={dataset}" / f"{model}.json"


def read_current(store: FeatureStore, dataset: str, model: str) -> ModelRecord | None:
    """The record of the model in use, or None when none was promoted yet."""
    path = current_path(store, dataset, model)
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return ModelRecord(
        data["dataset"],
        data["model"],
        tuple(data["run_ids"]),
        data["val_weighted_f1"],
        data.get("test_weighted_f1"),
        data.get("majority_val_weighted_f1"),
    )


def promotion_decision(current: ModelRecord | None, candidate: ModelRecord) -> tuple[bool, str]:
    """Whether the candidate replaces the current model, and why, in words.

    It must beat the majority-class baseline on validation (a candidate without one recorded is not promoted),
    then not be worse than the current model there.
    """
    val = 100 * candidate.val_weighted_f1
    if candidate.majority_val_weighted_f1 is None:
        return False, "current kept (the candidate's runs record no majority-class baseline: evaluate them again)"
    floor = 100 * candidate.majority_val_weighted_f1
    if candidate.val_weighted_f1 <= candidate.majority_val_weighted_f1:
        return False, (
            f"not promoted: the candidate's validation weighted F1 {val:.2f} does not beat the "
            f"majority-class baseline's {floor:.2f}"
        )
    if current is not None and candidate.val_weighted_f1 < current.val_weighted_f1:
        return False, (
            f"current kept (the candidate's validation weighted F1 {val:.2f} is below the current "
            f"model's {100 * current.val_weighted_f1:.2f})"
        )
    return True, f"candidate promoted (validation weighted F1 {val:.2f}, majority-class baseline {floor:.2f})"


def keeps_candidate(current: ModelRecord | None, candidate: ModelRecord) -> bool:
    """Whether the candidate replaces the current model (:func:`promotion_decision`)."""
    return promotion_decision(current, candidate)[0]


def promote(store: FeatureStore, candidate: ModelRecord, previous: ModelRecord | None) -> Path:
    """Make ``candidate`` the current model (atomic replace); the record keeps the one it replaced."""
    path = current_path(store, candidate.dataset, candidate.model)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        **asdict(candidate),
        "promoted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "previous": asdict(previous) if previous else None,
    }
    return write_text_atomic(path, json.dumps(record, indent=2))
