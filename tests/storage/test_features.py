"""Feature tables: write, read back, list, lineage, and per-dialogue alignment with explicit masks."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest
from manifest_rows import row

from emoflow.storage import FeatureStore, ingest_corpus, make_lineage, read_dialogues
from emoflow.storage.parquet_io import read_lineage


@pytest.fixture
def two_dialogues(store, write_corpus):
    rows = [row("a0", "dA", 0, speaker="X", label="joy"), row("a1", "dA", 1, speaker="Y", label="")]
    rows += [row("b2", "dB", 2, speaker="Y"), row("b0", "dB", 0, speaker="X"), row("b1", "dB", 1, speaker="X")]
    ingest_corpus(write_corpus(rows), "c", store, progress=False)
    return store


def test_write_read_roundtrip_and_lineage(store):
    vectors = np.arange(12, dtype=np.float32).reshape(3, 4)
    path = store.write_features(
        "c",
        "text",
        "minilm-1a2b",
        ["u1", "u2", "u3"],
        ["d", "d", "d"],
        vectors,
        make_lineage("extract", extractor="minilm", config={"pooling": "mean"}),
    )
    table = store.read_features("c", "text", "minilm-1a2b")
    assert table.utterance_ids == ["u1", "u2", "u3"] and table.vectors.dtype == np.float32
    np.testing.assert_array_equal(table.vectors, vectors)
    lineage = read_lineage(path)
    assert lineage["extractor_id"] == "minilm-1a2b" and lineage["dim"] == 4 and lineage["config"] == {"pooling": "mean"}
    assert path.parent == store.root / "features/dataset=c/modality=text/extractor=minilm-1a2b"
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"
    (listed,) = store.feature_sets()
    assert (listed.dataset, listed.modality, listed.extractor, listed.dim, listed.rows) == (
        "c",
        "text",
        "minilm-1a2b",
        4,
        3,
    )


def test_parts_add_up_and_rewriting_a_part_replaces_it(store):
    ones = np.ones((2, 3), np.float32)
    store.write_features("c", "audio", "is10-x", ["u1", "u2"], ["d", "d"], ones, {}, part="chunk-0")
    store.write_features("c", "audio", "is10-x", ["u3"], ["d"], ones[:1], {}, part="chunk-1")
    store.write_features("c", "audio", "is10-x", ["u3"], ["d"], 2 * ones[:1], {}, part="chunk-1")
    table = store.read_features("c", "audio", "is10-x")
    assert table.utterance_ids == ["u1", "u2", "u3"] and table.vectors[2].tolist() == [2.0, 2.0, 2.0]


def test_frames_are_stored_as_sequences(store):
    frames = [np.ones((5, 2), np.float32), None]
    path = store.write_features("c", "visual", "dn-1", ["u1", "u2"], ["d", "d"], np.zeros((2, 2)), {}, frames=frames)
    stored = pq.read_table(path).column("frames").to_pylist()
    assert len(stored[0]) == 5 and stored[0][0] == [1.0, 1.0] and stored[1] is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.write_features("c", "smell", "x", ["u"], ["d"], np.zeros((1, 2)), {}), "unknown modality 'smell'"),
        (lambda s: s.write_features("c", "text", "../x", ["u"], ["d"], np.zeros((1, 2)), {}), "invalid extractor id"),
        (lambda s: s.write_features("c", "text", "x", ["u", "v"], ["d"], np.zeros((2, 2)), {}), "expected vectors"),
        (lambda s: s.write_features("c", "text", "x", ["u"], ["d"], np.full((1, 2), np.nan), {}), "NaN or infinity"),
        (lambda s: s.read_features("c", "text", "nothing"), "no text features from extractor 'nothing'"),
        (lambda s: s.read_utterances("nope"), "dataset 'nope' is not in the store"),
    ],
)
def test_bad_calls_say_what_is_wrong(store, call, message):
    with pytest.raises((ValueError, KeyError), match=message):
        call(store)


def test_read_dialogues_aligns_turns_and_masks_missing_modalities(two_dialogues):
    store: FeatureStore = two_dialogues
    # Text for every utterance, written in a scrambled order; audio for two utterances only.
    ids = ["b1", "a0", "b2", "a1", "b0"]
    text = np.array([[int(u[1]) + 10 * (u[0] == "b")] * 3 for u in ids], np.float32)
    store.write_features("c", "text", "t-1", ids, ["dB", "dA", "dB", "dA", "dB"], text, {})
    store.write_features(
        "c", "audio", "a-1", ["a1", "b0", "gone"], ["dA", "dB", "dX"], np.full((3, 2), 7, np.float32), {}
    )

    dialogues = read_dialogues(store, "c", {"text": "t-1", "audio": "a-1"})
    assert [d.dialogue_id for d in dialogues] == ["dA", "dB"]
    a, b = dialogues
    assert b.utterance_ids == ["b0", "b1", "b2"] and b.speakers == ["X", "X", "Y"]
    assert a.labels == ["joy", None] and a.split == "train"
    assert b.features["text"][:, 0].tolist() == [10.0, 11.0, 12.0]
    assert a.masks["text"].tolist() == [True, True]
    assert a.masks["audio"].tolist() == [False, True] and b.masks["audio"].tolist() == [True, False, False]
    assert a.features["audio"].tolist() == [[0.0, 0.0], [7.0, 7.0]]
    assert b.features["audio"].shape == (3, 2) and b.features["audio"].dtype == np.float32
