"""Feature streams: a second table appended to a modality's vectors (``--features text=<main>+<stream>``)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from emoflow.models.graph_data import dialogue_graphs, resolve_features, split_streams
from emoflow.models.training.runs import evaluate_run, train_runs
from emoflow.storage import FeatureStore
from emoflow.storage.lineage import make_lineage
from emoflow.testing.synthetic import write_contagion_dataset

TRAIN = {"epochs": 2, "patience": None, "batch_size": 16}


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> FeatureStore:
    """Dataset ``syn`` with text ``synthetic`` (16-d) and a 5-d text stream ``scores`` that misses every 4th row."""
    store = FeatureStore(tmp_path_factory.mktemp("streams") / "store")
    write_contagion_dataset(store, "syn", {"train": [8] * 12, "val": [8] * 4, "test": [8] * 4}, dims={"text": 16})
    table = store.read_features("syn", "text", "synthetic")
    keep = np.arange(len(table.utterance_ids)) % 4 != 0
    ids = [u for u, k in zip(table.utterance_ids, keep, strict=True) if k]
    utterances = store.read_utterances("syn").to_pylist()
    dialogue_of = {u["utterance_id"]: u["dialogue_id"] for u in utterances}
    vectors = np.arange(len(ids) * 5, dtype=np.float32).reshape(len(ids), 5) + 1.0
    lineage = make_lineage("extract", extractor="scores", inputs_fingerprint="scores-0")
    store.write_features("syn", "text", "scores", ids, [dialogue_of[u] for u in ids], vectors, lineage)
    return store


def test_streams_split_from_the_main_table():
    main, streams = split_streams({"text": "enc-1+nade-2", "audio": "smile-3"})
    assert main == {"text": "enc-1", "audio": "smile-3"}
    assert streams == {"text+nade-2": ("text", "nade-2")}


def test_a_stream_is_appended_to_the_modality_with_zeros_where_it_has_no_row(store):
    data = dialogue_graphs(store, "syn", {"text": "synthetic"}, side_inputs={"text+scores": ("text", "scores")})
    assert data.dims == {"text": 21} and data.side_dims == {}
    graph = data.splits["train"][0]
    assert graph.x_text.shape == (8, 21) and not hasattr(graph, "x_text+scores")
    stream = graph.x_text[:, 16:].numpy()
    assert (stream[0] == 0).all() and (stream[1] > 0).all()  # row 0 of the table has no score
    assert graph.mask_text.all()  # the modality's mask is the main table's


def test_training_with_a_stream_records_it_and_evaluates_the_same(store):
    (with_stream,) = train_runs(
        store, "syn", "mlp", ["text"], features={"text": "synthetic+scores"}, train_overrides=TRAIN, progress=False
    )
    (without,) = train_runs(
        store, "syn", "mlp", ["text"], features={"text": "synthetic"}, train_overrides=TRAIN, progress=False
    )
    assert with_stream.run_id != without.run_id
    config = json.loads((with_stream.run_dir / "config.json").read_text())
    assert config["dims"] == {"text": 21} and config["features"] == {"text": "synthetic"}
    assert config["side_inputs"]["text+scores"][:2] == ["text", "scores"]
    assert set(config["recipe"]) == {"text", "text+scores"}
    again = evaluate_run(store, with_stream.run_id, device="cpu")
    assert again.test.weighted_f1 == pytest.approx(with_stream.test.weighted_f1)


def test_a_stream_the_store_lacks_is_refused(store):
    with pytest.raises(KeyError, match="does not have"):
        train_runs(store, "syn", "mlp", ["text"], features={"text": "synthetic+nothing"}, progress=False)


def test_without_features_given_the_one_main_table_is_used_with_its_streams(tmp_path):
    store = FeatureStore(tmp_path / "store")
    write_contagion_dataset(store, "syn", {"train": [6] * 4, "val": [6], "test": [6]}, dims={"text": 8})
    table = store.read_features("syn", "text", "synthetic")
    lineage = make_lineage("extract", extractor="nade_scores", inputs_fingerprint="n-0")
    store.write_features(
        "syn",
        "text",
        "nade_scores-0000test",
        table.utterance_ids,
        table.dialogue_ids,
        np.ones((len(table.utterance_ids), 3), np.float32),
        lineage,
    )
    assert resolve_features(store, "syn", ["text"]) == {"text": "synthetic+nade_scores-0000test"}
    store.write_features("syn", "text", "other", table.utterance_ids, table.dialogue_ids, table.vectors, lineage)
    with pytest.raises(ValueError, match="several text feature tables"):
        resolve_features(store, "syn", ["text"])  # two main tables: the user chooses
