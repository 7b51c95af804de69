"""The demo corpus: the script's shape, and real media (H.264 + AAC, audible speech, moving video)."""

from __future__ import annotations

import subprocess
from collections import Counter

import numpy as np
import pytest

from emoflow.cli.demo_corpus import CAST, DIALOGUES, make_demo_corpus
from emoflow.extractors.media import probe_streams
from emoflow.storage import FeatureStore, ingest_corpus

MELD_EMOTIONS = {"anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"}


def test_script_has_the_promised_shape():
    assert len(DIALOGUES) >= 12
    for dialogue in DIALOGUES:
        speakers = {t.speaker for t in dialogue.turns}
        assert 2 <= len(speakers) <= 3 and 6 <= len(dialogue.turns) <= 10, dialogue.dialogue_id
    for split in ("train", "val", "test"):
        labels = {t.label for d in DIALOGUES if d.split == split for t in d.turns}
        assert labels == MELD_EMOTIONS, split
    assert len({(v.espeak, v.pitch) for v in CAST.values()}) == len(CAST)


def decode(clip, *args):
    return subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(clip), *args, "-"], capture_output=True, check=True
    ).stdout


@pytest.mark.media
def test_clips_are_h264_aac_with_speech_and_motion(demo_dir):
    clips = sorted((demo_dir / "clips").glob("*.mp4"))
    assert len(clips) == sum(len(d.turns) for d in DIALOGUES)
    assert not list(demo_dir.glob("clips/.*")) and not list(demo_dir.glob("clips/*.wav"))
    for clip in clips[:: max(1, len(clips) // 8)]:
        streams = {s["codec_type"]: s for s in probe_streams(clip)}
        assert streams["video"]["codec_name"] == "h264" and streams["audio"]["codec_name"] == "aac"
        assert abs(float(streams["video"]["duration"]) - float(streams["audio"]["duration"])) < 0.1
        samples = np.frombuffer(decode(clip, "-f", "s16le", "-ac", "1", "-ar", "16000"), np.int16)
        assert np.sqrt(np.mean(samples.astype(np.float64) ** 2)) > 300  # speech, not silence
        frames = np.frombuffer(decode(clip, "-vf", "scale=32:32,format=gray", "-f", "rawvideo"), np.uint8)
        frames = frames.reshape(-1, 32 * 32).astype(np.int16)
        assert len(frames) > 10 and np.abs(frames[0] - frames[len(frames) // 2]).mean() > 2  # the picture moves


@pytest.mark.media
def test_corpus_ingests_cleanly_and_is_not_rendered_twice(demo_dir, tmp_path):
    report = ingest_corpus(demo_dir, "demo", FeatureStore(tmp_path / "store"), progress=False)
    assert report.problems == [] and report.rows_ingested == sum(len(d.turns) for d in DIALOGUES)
    assert set(report.labels) == MELD_EMOTIONS
    assert Counter(report.dialogues_per_split) == Counter(d.split for d in DIALOGUES)
    assert make_demo_corpus(demo_dir, progress=False).rendered == 0
