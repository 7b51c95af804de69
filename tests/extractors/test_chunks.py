"""Extraction in chunks of whole dialogues: one part per chunk, only changed chunks re-extracted."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest
from manifest_rows import row

from emoflow.extractors.profiles import profile_extractors
from emoflow.extractors.run import extract_features, plan_chunks
from emoflow.storage import FeatureStore, ingest_corpus


def dialogues(texts: dict[str, list[str]]) -> list[dict[str, str]]:
    return [row(f"{d}_u{t}", d, t, text=text) for d, lines in texts.items() for t, text in enumerate(lines)]


@pytest.fixture
def text_extractor():
    (extractor,) = profile_extractors("offline", "text", only="text_transformer", overrides={"batch_size": 8})
    return extractor


CORPUS = {f"d{i}": [f"dialogue {i} line {t}" for t in range(2 + i % 2)] for i in range(6)}  # 2 or 3 lines each


def test_chunks_hold_whole_dialogues_in_order(write_corpus, store, text_extractor):
    ingest_corpus(write_corpus(dialogues(CORPUS)), "c", store, progress=False)
    chunks, without_input = plan_chunks(store, "c", text_extractor, chunk_size=4)
    assert without_input == 0 and [c.part for c in chunks] == ["part-00000", "part-00001", "part-00002"]
    assert [len(c.rows) for c in chunks] == [5, 5, 5]  # d0+d1, d2+d3, d4+d5: a chunk closes at 4 or more
    flat = [r.utterance_id for c in chunks for r in c.rows]
    assert flat == [f"d{i}_u{t}" for i in range(6) for t in range(2 + i % 2)]
    by_dialogue = {}
    for chunk in chunks:
        for r in chunk.rows:
            by_dialogue.setdefault(r.dialogue_id, set()).add(chunk.part)
    assert all(len(parts) == 1 for parts in by_dialogue.values())
    with pytest.raises(ValueError, match="chunk_size must be at least 1"):
        plan_chunks(store, "c", text_extractor, chunk_size=0)


def test_trained_extractors_get_one_chunk(write_corpus, store):
    ingest_corpus(write_corpus(dialogues(CORPUS)), "c", store, progress=False)
    (finetuned,) = profile_extractors("offline", "text", only="text_transformer", overrides={"finetune_epochs": 1})
    chunks, _ = plan_chunks(store, "c", finetuned, chunk_size=2)
    assert finetuned.uses_labels and len(chunks) == 1 and len(chunks[0].rows) == 15


def test_only_changed_chunks_are_extracted_and_stale_parts_removed(write_corpus, tmp_path, text_extractor):
    store = FeatureStore(tmp_path / "store")
    ingest_corpus(write_corpus(dialogues(CORPUS)), "c", store, progress=False)
    first = extract_features(store, "c", text_extractor, progress=False, chunk_size=4)
    folder = first.path
    assert first.chunks == first.chunks_extracted == 3 and first.written == 15
    mtimes = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.parquet")}
    before = store.read_features("c", "text", text_extractor.extractor_id)

    edited = dict(CORPUS, d5=["an edited line", "dialogue 5 line 1", "dialogue 5 line 2"])
    ingest_corpus(write_corpus(dialogues(edited)), "c", store, progress=False)
    second = extract_features(store, "c", text_extractor, progress=False, chunk_size=4)
    assert (second.chunks, second.chunks_extracted, second.written) == (3, 1, 5)
    assert "1 of 3 chunks; 2 up to date" in second.summary()
    after = {p.name: p.stat().st_mtime_ns for p in folder.glob("*.parquet")}
    assert [n for n in after if after[n] != mtimes[n]] == ["part-00002.parquet"]
    changed = store.read_features("c", "text", text_extractor.extractor_id)
    row_of = {u: i for i, u in enumerate(changed.utterance_ids)}
    old_row = {u: i for i, u in enumerate(before.utterance_ids)}
    assert (changed.vectors[row_of["d0_u0"]] == before.vectors[old_row["d0_u0"]]).all()
    assert not (changed.vectors[row_of["d5_u0"]] == before.vectors[old_row["d5_u0"]]).all()

    ingest_corpus(write_corpus(dialogues({d: CORPUS[d] for d in ("d0", "d1")})), "c", store, progress=False)
    third = extract_features(store, "c", text_extractor, progress=False, chunk_size=4)
    assert third.up_to_date and third.chunks == 1
    assert sorted(p.name for p in folder.glob("*.parquet")) == ["part-00000.parquet"]
    assert pq.read_table(folder / "part-00000.parquet").num_rows == 5
    fingerprint = store.features_fingerprint("c", "text", text_extractor.extractor_id)
    assert fingerprint and fingerprint != store.features_fingerprint("c", "text", "nothing-here")
