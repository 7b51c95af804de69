"""Predict on new recordings: the run's recipe makes the features, the checkpoint's standardisation is used, the
rows are joinable by dataset and purpose, and bad input is one clear error."""

from __future__ import annotations

import numpy as np
import pytest
from talk_corpus import trained_talk_store, write_manifest

import emoflow
from emoflow.models.prediction import choose_run, predict_corpus, safe_file_name, write_predictions_file
from emoflow.models.training.model_card import CARD_FILE
from emoflow.storage import query


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    return trained_talk_store(tmp_path_factory.mktemp("predict"), "mlp")


def test_predictions_for_an_unlabelled_copy_equal_the_runs_own_scores(trained, tmp_path):
    _, store, run = trained
    copy = write_manifest(tmp_path / "copy", {"d6": ""}, labelled=False)  # the test dialogue, no labels or splits
    result = predict_corpus(copy, store, dataset="fresh", run=run.run_id, progress=False)
    own = query(
        store.root,
        f"SELECT utterance_id, probabilities FROM predictions WHERE run = '{run.run_id}' "
        "AND dataset = 'talk' AND split = 'test' ORDER BY utterance_id",
    ).to_pylist()
    new = sorted(
        zip(
            result.table.column("utterance_id").to_pylist(),
            result.table.column("probabilities").to_pylist(),
            strict=True,
        )
    )
    assert [u for u, _ in new] == [r["utterance_id"] for r in own]
    np.testing.assert_allclose([p for _, p in new], [r["probabilities"] for r in own], atol=1e-5)
    assert result.metrics is None and set(result.table.column("purpose").to_pylist()) == {"prediction"}
    assert result.table.column("split").null_count == result.table.num_rows  # unsplit, as given


def test_a_feature_stream_is_made_for_new_recordings_by_the_recipe(tmp_path_factory, tmp_path):
    _, store, run = trained_talk_store(tmp_path_factory.mktemp("predict-stream"), "mlp", with_nade=True)
    copy = write_manifest(tmp_path / "copy", {"d6": ""}, labelled=False)
    result = predict_corpus(copy, store, dataset="fresh", run=run.run_id, progress=False)
    made = {f.extractor for f in store.feature_sets("fresh")}
    assert {e.split("-")[0] for e in made} == {"text_transformer", "nade_scores"}  # both, from the recipe
    own = query(
        store.root,
        f"SELECT utterance_id, probabilities FROM predictions WHERE run = '{run.run_id}' "
        "AND dataset = 'talk' AND split = 'test' ORDER BY utterance_id",
    ).to_pylist()
    new = sorted(
        zip(
            result.table.column("utterance_id").to_pylist(),
            result.table.column("probabilities").to_pylist(),
            strict=True,
        )
    )
    np.testing.assert_allclose([p for _, p in new], [r["probabilities"] for r in own], atol=1e-5)


def test_rows_are_counted_once_per_dataset_and_purpose(trained, tmp_path):
    _, store, run = trained
    predict_corpus(
        write_manifest(tmp_path / "copy", {"d6": ""}, labelled=False),
        store,
        dataset="fresh",
        run=run.run_id,
        progress=False,
    )
    counts = query(store.root, "SELECT dataset, purpose, count(*) AS n FROM predictions GROUP BY ALL ORDER BY ALL")
    assert counts.to_pylist() == [
        {"dataset": "fresh", "purpose": "prediction", "n": 3},
        {"dataset": "talk", "purpose": "evaluation", "n": 6},  # val and test of the run's own dataset
    ]
    classes = query(store.root, "SELECT DISTINCT classes FROM predictions").to_pylist()
    assert classes == [{"classes": ["anger", "joy", "neutral"]}]


def test_a_labelled_corpus_gets_metrics_timelines_and_a_file(trained, tmp_path):
    _, store, run = trained
    corpus = write_manifest(tmp_path / "labelled", {"d6": "test", "x/../evil": "test"})
    result = predict_corpus(corpus, store, dataset="labelled", model="mlp", progress=False)
    assert result.metrics is not None and result.metrics.support == 6
    assert {p.parent for p in result.timelines.values()} == {
        store.root / "timelines" / f"run={run.run_id}" / "dataset=labelled"
    }
    assert all(p.is_file() and p.stat().st_size > 5000 for p in result.timelines.values())
    assert safe_file_name("x/../evil") == "x_.._evil" and safe_file_name("..") == "_"
    (summary,) = [s for s in result.summaries if s.dialogue_id == "d6"]
    assert summary.utterances == 3 and summary.speakers == ["A", "B"] and 0 < summary.mean_confidence <= 1
    written = write_predictions_file(result.table, tmp_path / "out.csv")
    header = written.read_text().splitlines()[0]
    assert "p_anger" in header and "p_neutral" in header and "probabilities" not in header


def test_the_run_records_its_recipe_and_card(trained):
    _, _, run = trained
    config = (run.run_dir / "config.json").read_text()
    assert '"recipe"' in config and '"text_transformer"' in config
    card = (run.run_dir / CARD_FILE).read_text()
    assert "## Feature recipe" in card and "talk" in card and "## Limitations" in card
    assert "Majority-class baseline (always `" in card and "Labelled utterances per class:" in card


def test_the_python_api_returns_the_rows(trained, tmp_path):
    _, store, run = trained
    corpus = write_manifest(tmp_path / "api", {"d6": ""}, labelled=False)
    table = emoflow.predict(corpus, store=store.root, model="mlp", trained_on="talk", dataset="api", timelines=False)
    assert table.num_rows == 3 and set(table.column("dataset").to_pylist()) == {"api"}
    frame = emoflow.predict(corpus, store=store.root, run=run.run_id, dataset="api", as_pandas=True)
    assert list(frame["dialogue_id"].unique()) == ["d6"] and frame["confidence"].between(0, 1).all()


def test_bad_input_is_one_clear_error(trained, tmp_path):
    _, store, run = trained
    corpus = write_manifest(tmp_path / "c", {"d6": ""}, labelled=False)
    with pytest.raises(FileNotFoundError, match=r"no run 'nope'.*runs: mlp-talk-"):
        predict_corpus(corpus, store, run="nope", progress=False)
    with pytest.raises(ValueError, match=r"is what run .* was trained on"):
        predict_corpus(corpus, store, dataset="talk", run=run.run_id, progress=False)
    with pytest.raises(ValueError, match=r"no dialoguegcn run trained on 'talk'.*emoflow train"):
        choose_run(store, model="dialoguegcn", trained_on="talk")
    silent = tmp_path / "silent"
    silent.mkdir()
    (silent / "manifest.csv").write_text("dialogue_id,utterance_id,turn,speaker,text\nq,q_u0,0,A,\n")
    with pytest.raises(ValueError, match=r"none of the inputs run .* reads \(text\)"):
        predict_corpus(silent, store, dataset="silent", run=run.run_id, progress=False)
