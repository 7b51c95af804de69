"""Clustering speaker embeddings: the count estimated or given, similar voices split after centring."""

import shutil

import numpy as np
import pytest

from emoflow.cli.demo_corpus.conversations import render_conversation, script_dialogues
from emoflow.recordings.audio import load_recording_audio
from emoflow.recordings.diarisation import cluster_speakers, estimated_speakers, segment_embeddings
from emoflow.recordings.segmentation import Segment


def unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def voices(turns: list[int], shared: float, seed: int = 0) -> np.ndarray:
    """One embedding per turn: a component all voices share, the turn's voice, and noise."""
    rng = np.random.default_rng(seed)
    common, own = rng.normal(size=256), rng.normal(size=(max(turns) + 1, 256))
    return unit(shared * unit(common[None])[0] + unit(own)[turns] + 0.15 * unit(rng.normal(size=(len(turns), 256))))


TURNS = [0, 1, 0, 2, 1, 0, 2, 2, 1, 0]


def test_distinct_voices_are_counted_and_named_in_order_of_appearance():
    embeddings = voices(TURNS, shared=0.0)
    assert estimated_speakers(embeddings) == 3
    assert cluster_speakers(embeddings) == [f"S{t + 1}" for t in TURNS]


@pytest.mark.media
def test_similar_voices_are_split_once_the_recording_mean_is_removed(tmp_path):
    # Chloe and Dev are espeak-ng's British voice at two pitches: their raw GE2E embeddings lie close (raw
    # clustering into three puts most of Chloe's turns with Dev's); centred, each voice is one cluster.
    if shutil.which("espeak-ng") is None or shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg and espeak-ng not installed (make setup installs them)")
    meeting = render_conversation(tmp_path / "meeting.wav", script_dialogues(["d02", "d07"]), seed=2)
    segments = [Segment(t.start_s, t.end_s) for t in meeting.turns]
    embeddings = segment_embeddings(load_recording_audio(meeting.path), segments)
    truth = [meeting.speakers.index(t.speaker) for t in meeting.turns]
    assert estimated_speakers(embeddings) == 3
    assert cluster_speakers(embeddings) == [f"S{t + 1}" for t in truth]


def test_one_segment_or_one_speaker_is_s1():
    assert cluster_speakers(voices([0], shared=0.0)) == ["S1"]
    assert cluster_speakers(voices(TURNS, shared=0.0), 1) == ["S1"] * len(TURNS)
    assert cluster_speakers(np.zeros((0, 256), np.float32)) == []
