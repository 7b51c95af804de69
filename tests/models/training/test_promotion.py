"""The current-model record: a candidate replaces it only when it beats the majority class and is not worse."""

from __future__ import annotations

import json

import pytest

from emoflow.models.training.promotion import (
    ModelRecord,
    current_path,
    keeps_candidate,
    promote,
    promotion_decision,
    read_current,
)


def record(val: float, *runs: str, floor: float | None = 0.05) -> ModelRecord:
    return ModelRecord("d", "mlp", runs or ("mlp-d-x-s1",), val, None, floor)


def test_the_rule_uses_validation_only():
    assert keeps_candidate(None, record(0.1))
    assert keeps_candidate(record(0.5), record(0.5)) and keeps_candidate(record(0.5), record(0.51))
    worse_on_val = ModelRecord("d", "mlp", ("b",), 0.49, test_weighted_f1=0.99, majority_val_weighted_f1=0.1)
    assert not keeps_candidate(ModelRecord("d", "mlp", ("a",), 0.5, test_weighted_f1=0.1), worse_on_val)


def test_a_candidate_no_better_than_the_majority_class_is_never_promoted():
    kept, why = promotion_decision(None, record(0.0529, floor=0.1667))  # nothing promoted before: still refused
    assert not kept and why == (
        "not promoted: the candidate's validation weighted F1 5.29 does not beat the majority-class baseline's 16.67"
    )
    assert not keeps_candidate(None, record(0.3, floor=None))  # no baseline recorded: not promoted
    assert promotion_decision(None, record(0.3, floor=0.1667)) == (
        True,
        "candidate promoted (validation weighted F1 30.00, majority-class baseline 16.67)",
    )


def test_from_runs_averages_seeds():
    runs = [
        {"run_id": "r1", "val_weighted_f1": 0.4, "test_weighted_f1": 0.3},
        {"run_id": "r2", "val_weighted_f1": 0.6, "test_weighted_f1": 0.5},
    ]
    runs = [{**run, "majority_val_weighted_f1": 0.2} for run in runs]
    made = ModelRecord.from_runs("d", "mlp", runs)
    assert made.run_ids == ("r1", "r2") and made.val_weighted_f1 == pytest.approx(0.5)
    assert made.test_weighted_f1 == pytest.approx(0.4) and made.majority_val_weighted_f1 == pytest.approx(0.2)
    with pytest.raises(ValueError, match="no runs of mlp on d"):
        ModelRecord.from_runs("d", "mlp", [])


def test_promote_replaces_the_record_and_keeps_the_previous(store):
    assert read_current(store, "d", "mlp") is None
    first = record(0.5, "a")
    promote(store, first, None)
    assert read_current(store, "d", "mlp") == first
    second = record(0.6, "b")
    path = promote(store, second, first)
    saved = json.loads(path.read_text())
    assert path == current_path(store, "d", "mlp") and saved["run_ids"] == ["b"]
    assert saved["previous"]["run_ids"] == ["a"] and read_current(store, "d", "mlp") == second
    assert [p.name for p in path.parent.iterdir()] == ["mlp.json"]  # no temporary file left behind
