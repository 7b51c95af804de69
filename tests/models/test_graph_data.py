import numpy as np
import pytest
import torch
from manifest_rows import row
from torch_geometric.loader import DataLoader

from emoflow.models.graph_data import IGNORE_INDEX, dialogue_graphs, resolve_features
from emoflow.models.layers.edges import dialogue_edges
from emoflow.storage import ingest_corpus


@pytest.fixture
def featured_store(store, write_corpus):
    """Two train dialogues and a val one; audio is missing for one utterance, one utterance is unlabelled."""
    rows = [
        row("a0", dialogue_id="da", turn=0, speaker="Ann", label="joy"),
        row("a1", dialogue_id="da", turn=1, speaker="Bob", label="anger"),
        row("a2", dialogue_id="da", turn=2, speaker="Ann", label=""),
        row("b0", dialogue_id="db", turn=0, speaker="Cid", label="neutral"),
        row("v0", dialogue_id="dv", turn=0, speaker="Ann", label="joy", split="val"),
        row("v1", dialogue_id="dv", turn=1, speaker="Dee", label="neutral", split="val"),
    ]
    ingest_corpus(write_corpus(rows), "c", store, progress=False)
    ids = [r["utterance_id"] for r in rows]
    dialogues = [r["dialogue_id"] for r in rows]
    text = np.arange(len(ids) * 4, dtype=np.float32).reshape(len(ids), 4)
    store.write_features("c", "text", "t-1", ids, dialogues, text, {})
    keep = [i for i, u in enumerate(ids) if u != "a1"]
    store.write_features(
        "c",
        "audio",
        "a-1",
        [ids[i] for i in keep],
        [dialogues[i] for i in keep],
        np.ones((len(keep), 3), np.float32),
        {},
    )
    return store


def test_one_graph_per_dialogue_with_masks_speakers_and_labels(featured_store):
    data = dialogue_graphs(featured_store, "c", {"text": "t-1", "audio": "a-1"})
    assert data.classes == ["anger", "joy", "neutral"] and data.dims == {"text": 4, "audio": 3}
    assert data.modalities == ("text", "audio")
    assert [g.dialogue_id for g in data.splits["train"]] == ["da", "db"] and len(data.splits["val"]) == 1
    da = data.splits["train"][0]
    assert da.x_text.shape == (3, 4) and da.x_audio.shape == (3, 3)
    assert da.mask_audio.tolist() == [True, False, True] and da.mask_text.all()
    assert da.x_audio[1].abs().sum() == 0  # filler, flagged by the mask
    assert da.speaker.tolist() == [0, 1, 0] and da.position.tolist() == [0, 1, 2]
    assert da.y.tolist() == [1, 0, IGNORE_INDEX]


def test_batches_concatenate_nodes_and_edges_stay_inside_dialogues(featured_store):
    data = dialogue_graphs(featured_store, "c", {"text": "t-1"})
    batch = next(iter(DataLoader(data.splits["train"] + data.splits["val"], batch_size=3)))
    assert batch.x_text.shape == (6, 4) and batch.num_graphs == 3
    assert batch.dialogue_id == ["da", "db", "dv"]
    edges = dialogue_edges(batch.position, batch.speaker, batch.batch, past=None, future=None)
    source, target = edges.edge_index
    assert torch.equal(batch.batch[source], batch.batch[target])
    assert edges.edge_index.shape[1] == 9 + 1 + 4


def test_feature_tables_resolve_when_unambiguous(featured_store):
    assert resolve_features(featured_store, "c", ["text", "audio"]) == {"text": "t-1", "audio": "a-1"}
    featured_store.write_features("c", "text", "t-2", ["a0"], ["da"], np.ones((1, 2), np.float32), {})
    with pytest.raises(ValueError, match=r"several text feature tables .*choose one with --features text="):
        resolve_features(featured_store, "c", ["text"])
    assert resolve_features(featured_store, "c", ["text"], {"text": "t-2"}) == {"text": "t-2"}
    with pytest.raises(KeyError, match="has no visual features; run emoflow extract --modalities visual"):
        resolve_features(featured_store, "c", ["visual"])


def test_labels_outside_the_given_classes_are_an_error(featured_store):
    with pytest.raises(ValueError, match="labels \\['anger'\\] of 'c' are not among the classes"):
        dialogue_graphs(featured_store, "c", {"text": "t-1"}, classes=["joy", "neutral"])
