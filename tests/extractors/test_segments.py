"""Kill-safe extraction: a chunk is committed segment by segment, and a killed run resumes from its segments."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
from typing import ClassVar

import numpy as np
import pytest
import torch
from manifest_rows import row

from emoflow.core.time_limit import Deadline, TimeLimitError
from emoflow.extractors.base import Extraction
from emoflow.extractors.profiles import profile_extractors
from emoflow.extractors.run import extract_chunk, extract_features, plan_chunks
from emoflow.extractors.segments import (
    SEGMENT_UTTERANCES,
    combine_extractions,
    read_segment,
    segment_rows,
    write_segment,
)
from emoflow.extractors.text_transformer import TextTransformer
from emoflow.extractors.visual_cnn import VisualCNN
from emoflow.storage import FeatureStore, ingest_corpus
from emoflow.storage.store import ErrorRecord

LONG = {f"d{i:02d}": [f"dialogue {i} says line {t}, and then some more words" for t in range(40)] for i in range(24)}
"""960 utterances in dialogues of 40, one chunk: segments of 520 and 440 (the text encoder's close at 512)."""

CORPUS_OF_TWO = {"d1": ["I am so happy today", "why is that"], "d2": ["go away", "fine", "leave me", "ok then"]}

KILLED_RUN = """
import sys
from emoflow.extractors.profiles import profile_extractors
from emoflow.extractors.run import extract_features
from emoflow.storage import FeatureStore
(extractor,) = profile_extractors("offline", "text", only="text_transformer")
extract_features(FeatureStore(sys.argv[1]), "c", extractor, progress=False)
"""


def dialogue_rows(texts):
    return [row(f"{d}_u{t}", d, t, text=text) for d, lines in texts.items() for t, text in enumerate(lines)]


@pytest.fixture
def text_extractor():
    (extractor,) = profile_extractors("offline", "text", only="text_transformer")
    return extractor


def test_segments_hold_whole_dialogues_and_a_trained_stage_gets_one(write_corpus, store, text_extractor):
    ingest_corpus(write_corpus(dialogue_rows(LONG)), "c", store, progress=False)
    ((chunk,), _) = plan_chunks(store, "c", text_extractor)
    segments = segment_rows(text_extractor, chunk.rows)
    assert [len(s) for s in segments] == [520, 440] and SEGMENT_UTTERANCES == 256
    dialogues = [{r.dialogue_id for r in s} for s in segments]
    assert sum(len(d) for d in dialogues) == len(set().union(*dialogues)) == 24  # no dialogue is cut
    (finetuned,) = profile_extractors("offline", "text", only="text_transformer", overrides={"finetune_epochs": 1})
    assert len(segment_rows(finetuned, chunk.rows)) == 1  # it trains on all of them at once


@pytest.mark.integration  # a real SIGKILL of a subprocess
def test_a_killed_extraction_resumes_from_its_committed_segments(write_corpus, tmp_path, text_extractor):
    corpus = write_corpus(dialogue_rows(LONG))
    killed, whole = FeatureStore(tmp_path / "killed"), FeatureStore(tmp_path / "whole")
    for store in (killed, whole):
        ingest_corpus(corpus, "c", store, progress=False)
    staged = killed.cache_dir("segments") / "c" / text_extractor.extractor_id
    process = subprocess.Popen([sys.executable, "-c", KILLED_RUN, str(killed.root)])
    deadline = time.monotonic() + 300
    while not list(staged.rglob("*.parquet")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.kill()  # SIGKILL: no clean-up runs in the killed process
    process.wait()
    committed = list(staged.rglob("*.parquet"))
    part = killed.features_dir("c", "text", text_extractor.extractor_id) / "part-00000.parquet"
    assert committed and not part.exists(), "the run was to be killed after its first segment"

    resumed = extract_features(killed, "c", text_extractor, progress=False)
    assert len(committed) == 1 and resumed.resumed == 520 and resumed.written == 960
    assert "read back from an interrupted run" in resumed.summary()
    assert not staged.exists()  # the segments are removed once the part is written
    fresh = extract_features(whole, "c", text_extractor, progress=False)
    assert fresh.resumed == 0
    a, b = (
        killed.read_features("c", "text", text_extractor.extractor_id),
        whole.read_features("c", "text", text_extractor.extractor_id),
    )
    assert a.utterance_ids == b.utterance_ids and np.array_equal(a.vectors, b.vectors)  # bit-identical
    lineage = [s.feature_lineage("c", "text", text_extractor.extractor_id)["details"] for s in (killed, whole)]
    assert lineage[0] == lineage[1]


def test_segmented_extraction_matches_one_pass(write_corpus, store, text_extractor):
    ingest_corpus(write_corpus(dialogue_rows(LONG)), "c", store, progress=False)
    ((chunk,), _) = plan_chunks(store, "c", text_extractor)
    report = extract_features(store, "c", text_extractor, progress=False)
    one_pass = text_extractor.extract(list(chunk.rows), cache_dir=store.cache_dir("trained"), progress=False)
    stored = store.read_features("c", "text", text_extractor.extractor_id)
    assert report.written == 960 and stored.utterance_ids == one_pass.utterance_ids
    assert np.allclose(stored.vectors, one_pass.vectors, atol=1e-5)  # batches differ only in their padding
    details = store.feature_lineage("c", "text", text_extractor.extractor_id)["details"]
    assert details == one_pass.details  # the truncation count summed over the segments


def test_a_segment_round_trips_frames_errors_and_details(tmp_path):
    frames = [np.arange(6, dtype=np.float32).reshape(3, 2), None, np.zeros((0, 2), np.float32)]
    errors = [ErrorRecord("u9", "clips/u9.mp4: no video stream", "clips/u9.mp4", "visual_cnn-x")]
    original = Extraction(
        ["u1", "u2", "u3"],
        np.eye(3, dtype=np.float32),
        frames=frames,
        errors=errors,
        details={"frames": 3, "no_face_utterances": ["u2"], "backbone": "b"},
    )
    write_segment(tmp_path / "s.parquet", original)
    back = read_segment(tmp_path / "s.parquet")
    assert back.utterance_ids == original.utterance_ids and np.array_equal(back.vectors, original.vectors)
    assert back.errors == errors and back.details == original.details
    assert np.array_equal(back.frames[0], frames[0]) and back.frames[1] is None and back.frames[2].shape == (0, 2)
    empty = Extraction([], np.zeros((0, 0), np.float32), errors=errors, details={"frames": 0})
    write_segment(tmp_path / "e.parquet", empty)
    assert read_segment(tmp_path / "e.parquet").errors == errors

    combined = combine_extractions(VisualCNN(VisualCNN.Config()), [original, read_segment(tmp_path / "e.parquet")])
    assert combined.utterance_ids == ["u1", "u2", "u3"] and combined.errors == errors * 2
    assert combined.details == {"frames": 3, "no_face_utterances": ["u2"], "backbone": "b"}


def test_a_time_limit_stops_between_segments_and_a_rerun_resumes(write_corpus, store, text_extractor):
    ingest_corpus(write_corpus(dialogue_rows(LONG)), "c", store, progress=False)
    ((chunk,), _) = plan_chunks(store, "c", text_extractor)
    with pytest.raises(TimeLimitError, match=r"ran past its 1e-09 s time limit after 0 of 2 segments"):
        extract_chunk(store, "c", text_extractor, chunk, progress=False, deadline=Deadline(1e-9))
    assert extract_chunk(store, "c", text_extractor, chunk, progress=False).written == 960


class ShortOfMemory(TextTransformer):
    """The text encoder on a device that holds at most 16 utterances a batch."""

    batches: ClassVar[list[int]] = []

    def extract(self, rows, *, cache_dir, progress=True):
        self.batches.append(self.config.batch_size)
        if self.config.batch_size > 16:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return super().extract(rows, cache_dir=cache_dir, progress=progress)


def test_out_of_memory_in_extraction_halves_the_batch_once(write_corpus, store, text_extractor):
    ingest_corpus(write_corpus(dialogue_rows(CORPUS_OF_TWO)), "c", store, progress=False)
    extractor = ShortOfMemory(dataclasses.replace(text_extractor.config, batch_size=32))
    assert extract_features(store, "c", extractor, progress=False).written == 6 and ShortOfMemory.batches == [32, 16]
    ShortOfMemory.batches.clear()
    with pytest.raises(torch.cuda.OutOfMemoryError):
        extract_features(
            store,
            "c",
            ShortOfMemory(dataclasses.replace(extractor.config, batch_size=64)),
            progress=False,
            refresh=True,
        )
    assert ShortOfMemory.batches == [64, 32]
