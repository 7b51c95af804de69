"""CaSCLA with a clue table, and without one as the paper's ablation."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from emoflow.models.training.runs import evaluate_run, train_runs
from emoflow.storage import FeatureStore
from emoflow.storage.lineage import make_lineage

QUICK = {"epochs": 2, "batch_size": 32, "patience": None}


def write_clue_table(store, dataset: str, dim: int) -> str:
    """A clue table as a COMET extractor would write it: one 6-relation vector per utterance (random here)."""
    utterances = store.read_utterances(dataset)
    vectors = np.random.default_rng(0).normal(size=(utterances.num_rows, dim)).astype(np.float32)
    extractor = "comet_clues-test"
    store.write_features(
        dataset,
        "text",
        extractor,
        utterances.column("utterance_id").to_pylist(),
        utterances.column("dialogue_id").to_pylist(),
        vectors,
        make_lineage("extract", extractor=extractor),
    )
    return extractor


def test_cascla_reads_a_clue_table_and_without_one_runs_as_the_papers_ablation(contagion_store, tmp_path):
    store = FeatureStore(shutil.copytree(contagion_store.root, tmp_path / "store"))  # the clue table stays here
    small = {"model_dim": 16, "hidden": 8, "encoder_heads": 2, "feedforward": 16, "label_dim": 8}
    options = {"seeds": [1], "progress": False, "train_overrides": QUICK, "features": {"text": "synthetic"}}
    (plain,) = train_runs(store, "syn", "cascla", ["text", "audio"], model_overrides=small, **options)
    config = json.loads((plain.run_dir / "config.json").read_text())
    assert config["variant"].startswith("w/o causal-aware knowledge")
    assert "w/o causal-aware knowledge" in (plain.run_dir / "report.md").read_text()
    assert "side_inputs" not in config

    extractor = write_clue_table(store, "syn", 12)
    with_clues = {**small, "clues": extractor}
    (clued,) = train_runs(store, "syn", "cascla", ["text", "audio"], model_overrides=with_clues, **options)
    config = json.loads((clued.run_dir / "config.json").read_text())
    assert "variant" not in config and config["side_inputs"]["clues"][:2] == ["text", extractor]
    assert clued.run_id != plain.run_id
    again = evaluate_run(store, clued.run_id)  # the checkpoint finds its clue table again
    assert again.test.weighted_f1 == pytest.approx(clued.test.weighted_f1)

    with pytest.raises(KeyError, match="does not have"):
        train_runs(store, "syn", "cascla", ["text"], model_overrides={**small, "clues": "comet-nope"}, **options)
