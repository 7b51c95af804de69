"""Ingestion as a whole: content hashes, re-ingestion as a no-op, replacing what changed, Parquet manifests."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
from manifest_rows import row

from emoflow.storage import ingest_corpus
from emoflow.storage.hashing import utterance_hash


def hashes(store):
    return {r["utterance_id"]: r["content_hash"] for r in store.read_utterances("c").to_pylist()}


def test_reingesting_the_same_corpus_writes_nothing(store, write_corpus):
    corpus = write_corpus([row("u1", video_path="a.mp4"), row("u2", turn=1)], media=("a.mp4",))
    first = ingest_corpus(corpus, "c", store, progress=False)
    part = store.utterances_dir("c") / "part-0.parquet"
    stamp = part.stat().st_mtime_ns
    second = ingest_corpus(corpus, "c", store, progress=False)
    assert not first.unchanged and second.unchanged
    assert part.stat().st_mtime_ns == stamp
    assert "unchanged, nothing written" in second.summary()


def test_content_hash_follows_text_media_bytes_and_segment(store, write_corpus):
    corpus = write_corpus(
        [row("u1", video_path="a.mp4"), row("u2", turn=1, video_path="b.mp4")], media=("a.mp4", "b.mp4")
    )
    ingest_corpus(corpus, "c", store, progress=False)
    before = hashes(store)
    assert before["u1"] != before["u2"]
    (corpus / "b.mp4").write_bytes(b"re-encoded clip")
    report = ingest_corpus(corpus, "c", store, progress=False)
    after = hashes(store)
    assert not report.unchanged
    assert after["u1"] == before["u1"] and after["u2"] != before["u2"]


def test_utterance_hash_changes_with_each_input():
    base = utterance_hash("hi", "v", "a", 0.0, 1.0)
    variants = [
        ("hi!", "v", "a", 0.0, 1.0),
        ("hi", "v2", "a", 0.0, 1.0),
        ("hi", "v", None, 0.0, 1.0),
        ("hi", "v", "a", 0.1, 1.0),
    ]
    assert all(utterance_hash(*v) != base for v in variants)
    assert utterance_hash("hi", "v", "a", 0.0, 1.0) == base


def test_fixing_the_corpus_replaces_its_errors_and_keeps_other_stages(store, write_corpus):
    from emoflow.storage import ErrorRecord

    store.replace_errors("c", "extract", "text-abc", [ErrorRecord("u1", "t.mp4: no audio stream", extractor="x")])
    corpus = write_corpus([row("u1"), row("u2", "d2", split="bogus")])
    ingest_corpus(corpus, "c", store, progress=False)
    assert sorted(store.read_errors("c").column("stage").to_pylist()) == ["extract", "ingest"]
    write_corpus([row("u1"), row("u2", "d2", split="test")])
    ingest_corpus(corpus, "c", store, progress=False)
    assert store.read_errors("c").column("stage").to_pylist() == ["extract"]
    assert len(store.read_utterances("c")) == 2


def test_parquet_manifest_reads_like_csv(store, tmp_path):
    corpus = tmp_path / "pq"
    corpus.mkdir()
    (corpus / "clip.wav").write_bytes(b"RIFF")
    table = pa.table(
        {
            "dialogue_id": ["d1", "d1"],
            "utterance_id": ["u1", "u2"],
            "turn": pa.array([0, 1], pa.int64()),
            "speaker": ["A", "B"],
            "text": ["hello", None],
            "audio_path": ["clip.wav", "clip.wav"],
            "start_s": [0.0, 1.5],
            "end_s": [1.5, 3.0],
        }
    )
    pq.write_table(table, corpus / "manifest.parquet")
    report = ingest_corpus(corpus, "c", store, progress=False)
    rows = store.read_utterances("c").to_pylist()
    assert report.problems == []
    assert [(r["utterance_id"], r["turn"], r["text"], r["end_s"]) for r in rows] == [
        ("u1", 0, "hello", 1.5),
        ("u2", 1, None, 3.0),
    ]
    assert rows[0]["audio_path"] == str(corpus / "clip.wav") and rows[0]["source"] == "manifest.parquet row 0"
    assert rows[0]["content_hash"] != rows[1]["content_hash"]  # same file, different segment


def test_lineage_records_the_corpus_and_layout(store, write_corpus):
    corpus = write_corpus([row("u1")])
    ingest_corpus(corpus, "c", store, progress=False)
    lineage = store.utterances_lineage("c")
    assert lineage["stage"] == "ingest" and lineage["layout"] == "manifest"
    assert lineage["corpus"] == str(corpus.resolve())
    assert {"pyarrow", "duckdb", "python"} <= set(lineage["libraries"])
