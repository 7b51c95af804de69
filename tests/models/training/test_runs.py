"""Training runs: validation-only selection, the checkpoint and files of a run, re-evaluation, seeds."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import torch
from model_inputs import dialogue

from emoflow.core.device import seed_everything
from emoflow.models.base import DataSpec
from emoflow.models.registry import create_model
from emoflow.models.training.runs import evaluate_run, seed_summary, train_runs
from emoflow.models.training.settings import TrainConfig
from emoflow.models.training.trainer import class_weights, fit
from emoflow.storage import FeatureStore
from emoflow.storage.query import query
from emoflow.testing.synthetic import write_contagion_dataset

FAST = {"epochs": 6, "lr": 0.003, "patience": None}
LENGTHS = {"train": [6, 9, 7, 8] * 6, "val": [7, 8] * 4, "test": [9, 6] * 4}


def small_store(root) -> FeatureStore:
    store = FeatureStore(root)
    write_contagion_dataset(store, "syn", LENGTHS, dims={"text": 8, "visual": 6}, num_classes=3, seed=3)
    return store


def relabel_test(store: FeatureStore) -> None:
    """Rotate every test label to the next class: a different test split, same train and val."""
    table = store.read_utterances("syn")
    shift = {"mood0": "mood1", "mood1": "mood2", "mood2": "mood0"}
    labels = [
        shift[label] if split == "test" else label
        for label, split in zip(table["label"].to_pylist(), table["split"].to_pylist(), strict=True)
    ]
    table = table.set_column(table.schema.get_field_index("label"), "label", pa.array(labels))
    store.write_utterances("syn", table, store.utterances_lineage("syn"))


def test_selection_never_reads_the_test_split(tmp_path):
    runs = []
    for name in ("a", "b"):
        store = small_store(tmp_path / name)
        if name == "b":
            relabel_test(store)
        (run,) = train_runs(
            store,
            "syn",
            "bc_lstm",
            ["text", "visual"],
            seeds=[2],
            model_overrides={"hidden": 16},
            train_overrides=FAST,
            progress=False,
        )
        runs.append(run)
    a, b = runs
    assert a.epoch == b.epoch and a.val == b.val
    assert a.test != b.test
    state_a = torch.load(a.run_dir / "checkpoint.pt", weights_only=True)["state_dict"]
    state_b = torch.load(b.run_dir / "checkpoint.pt", weights_only=True)["state_dict"]
    assert all(torch.equal(state_a[k], state_b[k]) for k in state_a)


def test_a_run_writes_checkpoint_metrics_plots_and_predictions(tmp_path):
    store = small_store(tmp_path / "store")
    (run,) = train_runs(
        store,
        "syn",
        "dialoguegcn",
        ["text", "visual"],
        seeds=[1],
        model_overrides={"hidden": 16, "graph_hidden": 16},
        train_overrides=FAST,
        progress=False,
    )
    files = {p.name for p in run.run_dir.iterdir()}
    assert {"config.json", "checkpoint.pt", "metrics.json", "report.md", "confusion.png", "curves.png"} <= files
    for png in ("confusion.png", "curves.png"):
        assert (run.run_dir / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    checkpoint = torch.load(run.run_dir / "checkpoint.pt", weights_only=True)
    assert set(checkpoint) == {"state_dict", "config", "epoch", "val_metrics"}
    history = json.loads((run.run_dir / "metrics.json").read_text())["history"]
    scores = [h["val_weighted_f1"] for h in history]
    assert checkpoint["epoch"] == run.epoch == 1 + int(np.argmax(scores))  # the first best validation epoch
    assert checkpoint["val_metrics"]["val_weighted_f1"] == pytest.approx(run.val.weighted_f1)
    assert checkpoint["config"]["features"] == {"text": "synthetic", "visual": "synthetic"}
    assert "| mood0 ACC | mood0 F1 |" in (run.run_dir / "report.md").read_text()

    predictions = query(store.root, f"SELECT * FROM predictions WHERE run = '{run.run_id}' ORDER BY utterance_id")
    assert set(predictions["split"].to_pylist()) == {"val", "test"}
    assert predictions.num_rows == sum(LENGTHS["val"]) + sum(LENGTHS["test"])
    probabilities = np.array(predictions["probabilities"].to_pylist())
    assert probabilities.shape[1] == 3 and np.allclose(probabilities.sum(1), 1, atol=1e-5)
    classes = ["mood0", "mood1", "mood2"]
    assert predictions["predicted"].to_pylist() == [classes[i] for i in probabilities.argmax(1)]
    test = predictions.filter(pc.equal(predictions["split"], "test"))
    accuracy = np.mean(np.array(test["label"].to_pylist()) == np.array(test["predicted"].to_pylist()))
    assert accuracy == pytest.approx(run.test.accuracy)


def test_evaluate_rescores_a_run_to_the_same_numbers(tmp_path):
    store = small_store(tmp_path / "store")
    (run,) = train_runs(
        store,
        "syn",
        "amb_dsgdn",
        ["text"],
        seeds=[1],
        progress=False,
        train_overrides=FAST,
        model_overrides={"hidden": 16, "encoder_heads": 2, "feedforward": 32, "graph_heads": 2},
    )
    again = evaluate_run(store, run.run_id, device="cpu")
    assert again.test == run.test and again.val == run.val and again.epoch == run.epoch
    with pytest.raises(FileNotFoundError, match=f"no run 'nope'.*runs: {run.run_id}"):
        evaluate_run(store, "nope")


def test_several_seeds_give_separate_runs_and_mean_std(tmp_path):
    store = small_store(tmp_path / "store")
    runs = train_runs(
        store,
        "syn",
        "mlp",
        ["visual"],
        seeds=[1, 2, 3],
        model_overrides={"hidden": 8},
        train_overrides=FAST,
        progress=False,
    )
    assert len({r.run_id for r in runs}) == 3 and [r.seed for r in runs] == [1, 2, 3]
    mean, std = seed_summary(runs)["weighted_f1"]
    values = [100 * r.test.weighted_f1 for r in runs]
    assert mean == pytest.approx(np.mean(values)) and std == pytest.approx(np.std(values, ddof=1))


def test_same_seed_same_config_trains_to_the_same_run(tmp_path):
    store = small_store(tmp_path / "store")
    first, second = (
        train_runs(
            store,
            "syn",
            "mmgcn",
            ["text", "visual"],
            seeds=[4],
            model_overrides={"hidden": 8, "layers": 2},
            train_overrides=FAST,
            progress=False,
        )[0]
        for _ in range(2)
    )
    assert first.run_id == second.run_id and first.test == second.test


def test_early_stopping_and_class_weights():
    graphs = [dialogue(6, {"text": 4}, seed=s) for s in range(6)]
    for g in graphs:
        g.y = torch.zeros_like(g.y)  # a single class: once validation F1 is 1, it cannot improve
    graphs[0].y[0] = 2
    seed_everything(0)  # the initial weights, whatever ran before in this process
    model = create_model("mlp", DataSpec({"text": 4}, 3), hidden=8)
    seen = []
    config = TrainConfig(epochs=50, patience=3, lr=1e-2)
    result = fit(model, graphs[:4], graphs[4:], config, seed=0, progress=False, on_epoch=seen.append)
    assert len(result.history) == result.epoch + 3
    assert [r["epoch"] for r in seen] == [r["epoch"] for r in result.history]
    best = [r["best_epoch"] for r in seen]  # the best epoch so far, as each epoch ends
    assert best == sorted(best) and best[-1] == result.epoch and best.count(result.epoch) == 4
    weights = class_weights(graphs[:4], 3)
    total = sum(g.num_nodes for g in graphs[:4])
    torch.testing.assert_close(weights, torch.tensor([total / (3 * (total - 1)), 0.0, total / 3]))


def test_training_needs_a_validation_split():
    graphs = [dialogue(4, {"text": 4}, seed=s) for s in range(2)]
    model = create_model("mlp", DataSpec({"text": 4}, 3))
    with pytest.raises(ValueError, match="val split"):
        fit(model, graphs, [], TrainConfig(epochs=1), seed=0, progress=False)


def test_run_ids_name_settings_by_content_not_by_path(tmp_path):
    from emoflow.models.training.runs import plan_runs
    from emoflow.models.training.settings import read_settings_file

    store = FeatureStore(tmp_path / "store")
    write_contagion_dataset(store, "syn", {"train": [5, 6], "val": [5], "test": [5]}, dims={"text": 8}, seed=1)
    copies = []
    for folder in ("a", "b"):
        copy = tmp_path / folder / "mlp.yaml"
        copy.parent.mkdir()
        copy.write_text(read_settings_file("mlp")[0])
        copies.append(plan_runs(store, "syn", "mlp", ["text"], settings=str(copy)))
    builtin = plan_runs(store, "syn", "mlp", ["text"])
    assert copies[0].run_id(1) == copies[1].run_id(1) == builtin.run_id(1)
    assert builtin.config["settings"] == "emoflow:configs/models/mlp.yaml"
    assert builtin.config["code"]["emoflow"] == emoflow_version()


def emoflow_version() -> str:
    import emoflow

    return emoflow.__version__
