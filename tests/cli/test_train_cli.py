"""``emoflow train``, ``emoflow evaluate`` and ``emoflow models``, driven as a user would."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from emoflow.cli.main import cli
from emoflow.storage import FeatureStore
from emoflow.testing.synthetic import write_contagion_dataset


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def synthetic_store(tmp_path):
    store = FeatureStore(tmp_path / "store")
    lengths = {"train": [5, 7, 6] * 4, "val": [6, 5] * 2, "test": [7, 5] * 2}
    write_contagion_dataset(store, "syn", lengths, dims={"text": 6, "audio": 5}, num_classes=3)
    return store.root


def test_train_prints_weighted_f1_first_and_mean_std_over_seeds(synthetic_store):
    result = run(
        "train",
        "--dataset",
        "syn",
        "--model",
        "mlp",
        "--modalities",
        "text,audio",
        "--epochs",
        "3",
        "--seeds",
        "1,2",
        "--set",
        "hidden=8",
        "--train-set",
        "lr=0.01",
        "--store",
        synthetic_store,
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    assert "use --model-set instead" in result.output  # train's old --set (a model option) still works, deprecated
    lines = result.output.splitlines()
    runs = [line for line in lines if line.startswith("mlp-syn-")]
    assert len(runs) == 2 and all(": test weighted F1 " in line for line in runs)
    summary = next(line for line in lines if line.startswith("mlp on syn (text, audio), test, 2 seed(s): "))
    assert re.search(r"weighted F1 \d+\.\d\d ± \d+\.\d\d, accuracy \d+\.\d\d ± \d+\.\d\d", summary)

    run_id = runs[0].split(":")[0]
    listed = run("runs", "--store", synthetic_store, "--model", "mlp").output.splitlines()
    assert listed[0].split() == [
        "run",
        "dataset",
        "model",
        "seed",
        "modalities",
        "epoch",
        "val_wf1",
        "test_wf1",
        "promoted",
    ]
    assert len(listed) == 4 and listed[2].split()[:5] == [run_id, "syn", "mlp", "1", "audio,text"]
    evaluated = run("evaluate", run_id, "--store", synthetic_store)
    assert evaluated.exit_code == 0, evaluated.output
    assert evaluated.output.splitlines()[0] == runs[0]
    assert "| val |" in evaluated.output and "| test |" in evaluated.output and "WF1" in evaluated.output
    quiet = run("evaluate", run_id, "--store", synthetic_store, "--quiet")
    assert quiet.exit_code == 0 and quiet.output.splitlines() == [runs[0]]


def test_train_names_what_is_wrong(synthetic_store):
    unknown = run("train", "--dataset", "syn", "--model", "gpt", "--modalities", "text", "--store", synthetic_store)
    assert unknown.exit_code == 1 and "unknown model 'gpt'; models: amb_dsgdn" in unknown.output
    smell = run("train", "--dataset", "syn", "--model", "mlp", "--modalities", "smell", "--store", synthetic_store)
    assert smell.exit_code == 2 and "unknown modalities ['smell']" in smell.output
    visual = run("train", "--dataset", "syn", "--model", "mlp", "--modalities", "visual", "--store", synthetic_store)
    assert visual.exit_code == 1 and "has no visual features; run emoflow extract --modalities visual" in visual.output
    features = run(
        "train",
        "--dataset",
        "syn",
        "--model",
        "mlp",
        "--modalities",
        "text",
        "--features",
        "text=bert",
        "--store",
        synthetic_store,
    )
    assert features.exit_code == 1 and "no text features 'bert'" in features.output
    seeds = run("train", "--dataset", "syn", "--model", "mlp", "--seeds", "one", "--store", synthetic_store)
    assert seeds.exit_code == 2 and "comma-separated list of integers" in seeds.output
    option = run(
        "train",
        "--dataset",
        "syn",
        "--model",
        "mlp",
        "--modalities",
        "text",
        "--model-set",
        "depth=2",
        "--store",
        synthetic_store,
    )
    assert option.exit_code == 1 and "has no option depth" in option.output
    missing = run("evaluate", "nope", "--store", synthetic_store)
    assert missing.exit_code == 1 and "no run 'nope'" in missing.output


def test_models_lists_every_model_with_its_options():
    result = run("models")
    assert result.exit_code == 0
    for name in ("mlp", "bc_lstm", "dialoguegcn", "mmgcn", "amb_dsgdn"):
        assert f"\n{name}: " in "\n" + result.output
    assert "q_base: float in [0, 1] = 0.3" in result.output and "configs/models" in result.output
    assert "    dropout: float in [0, 1) = 0.5" in result.output  # every option's range, model options too
    assert "training (--train-set): " in result.output  # the training options, with their types and ranges
    assert "    lr: float > 0 = 0.0003" in result.output and "    patience: int > 0 | None = None" in result.output
    helped = run("train", "--help")
    assert helped.exit_code == 0 and "validation" in helped.output and "--seeds" in helped.output


PAPER_MODELS = {
    "ar_iigcn": ["hidden=8", "classifier_hidden=8", "gan_hidden=8", "gan_epochs=1", "beta=0.9", "lam=0.3"],
    "cascla": [
        "model_dim=8",
        "hidden=4",
        "encoder_heads=2",
        "feedforward=8",
        "label_dim=4",
        "epsilon=0.5",
        "gamma=1.5",
    ],
    "cmcf_agcn": [
        "hidden=8",
        "heads=2",
        "gru_hidden=4",
        "graph_hidden=8",
        "alpha=0.5",
        "sentiment={mood0: positive, mood1: neutral, mood2: negative}",
    ],
}


@pytest.mark.parametrize("model", sorted(PAPER_MODELS))
def test_the_papers_models_train_and_evaluate_with_their_options(model, synthetic_store):
    settings = [arg for value in PAPER_MODELS[model] for arg in ("--model-set", value)]
    result = run(
        "train",
        "--dataset",
        "syn",
        "--model",
        model,
        "--modalities",
        "text,audio",
        "--epochs",
        "2",
        *settings,
        "--store",
        synthetic_store,
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    run_id = next(line for line in result.output.splitlines() if line.startswith(f"{model}-syn-")).split(":")[0]
    config = (synthetic_store / "runs" / run_id / "config.json").read_text()
    assert all(f'"{key}": ' in config for key in (s.split("=")[0] for s in PAPER_MODELS[model]))
    report = (synthetic_store / "runs" / run_id / "report.md").read_text()
    assert ("w/o causal-aware knowledge" in report) == (model == "cascla")
    evaluated = run("evaluate", run_id, "--store", synthetic_store)
    assert evaluated.exit_code == 0, evaluated.output


def test_a_sentiment_mapping_that_misses_a_class_is_a_one_line_error(synthetic_store):
    result = run(
        "train",
        "--dataset",
        "syn",
        "--model",
        "cmcf_agcn",
        "--modalities",
        "text",
        "--epochs",
        "1",
        "--model-set",
        "sentiment={mood0: positive}",
        "--store",
        synthetic_store,
        "--quiet",
    )
    assert result.exit_code != 0
    assert "classes ['mood1', 'mood2'] have no sentiment" in result.output
