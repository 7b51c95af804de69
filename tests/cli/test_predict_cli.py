"""`emoflow predict` and `emoflow models show`, driven as a user would."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner
from talk_corpus import trained_talk_store, write_manifest

from emoflow.cli.main import cli


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    return trained_talk_store(tmp_path_factory.mktemp("cli-predict"), "bc_lstm")


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_predict_prints_summaries_writes_the_store_timelines_and_a_csv(trained, tmp_path):
    _, store, run = trained
    corpus = write_manifest(tmp_path / "calls", {"c1": "", "c2": ""}, labelled=False)
    out = tmp_path / "predictions.csv"
    result = invoke(
        "predict",
        "--corpus",
        corpus,
        "--model",
        "bc_lstm",
        "--trained-on",
        "talk",
        "--out",
        out,
        "--store",
        store.root,
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    assert f"model: {run.run_id} (best validation weighted F1 of its runs (none promoted))" in result.output
    assert "6 utterances of calls in 2 dialogues" in result.output and "dominant" in result.output
    assert "timelines:" in result.output and "c1.png" in result.output and "labelled utterances" not in result.output
    with open(out, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6 and {"p_anger", "p_joy", "p_neutral", "predicted", "confidence"} <= set(rows[0])
    assert {r["dataset"] for r in rows} == {"calls"} and {r["purpose"] for r in rows} == {"prediction"}


def test_a_labelled_corpus_prints_its_metrics(trained, tmp_path):
    _, store, run = trained
    corpus = write_manifest(tmp_path / "checked", {"d6": "test"})
    result = invoke(
        "predict", "--corpus", corpus, "--run", run.run_id, "--store", store.root, "--quiet", "--no-timelines"
    )
    assert result.exit_code == 0, result.output
    assert "labelled utterances of checked" in result.output and "WF1" in result.output
    assert "timelines:" not in result.output


def test_models_show_prints_the_model_card(trained):
    _, store, run = trained
    result = invoke("models", "show", run.run_id, "--store", store.root)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"# Model card: {run.run_id}") and "## Feature recipe" in result.output
    assert "text_transformer" in result.output and "## Metrics (%)" in result.output
    listed = invoke("models")
    assert listed.exit_code == 0 and "bc_lstm" in listed.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--run", "nope"], "Error: no run 'nope'"),
        (["--model", "dialoguegcn"], "Error: no dialoguegcn run in"),
        (["--model", "bc_lstm", "--dataset", "talk"], "is what run"),
        ([], "Error: say which model"),
    ],
)
def test_bad_requests_are_one_line_errors(trained, tmp_path, args, message):
    _, store, _ = trained
    corpus = write_manifest(tmp_path / "c", {"c1": ""}, labelled=False)
    result = invoke("predict", "--corpus", corpus, "--store", store.root, "--quiet", *args)
    assert result.exit_code == 1 and message in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1
