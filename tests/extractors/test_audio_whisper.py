"""Whisper's encoder as an audio extractor: sizes, pooling over the utterance only, long segments, bad files."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from emoflow.extractors.audio_whisper import pool
from emoflow.extractors.base import UtteranceInput
from emoflow.extractors.registry import create_extractor

pytestmark = pytest.mark.media


def utterance(path, uid, start=None, end=None):
    return UtteranceInput(uid, "d0", 0, "Ana", None, None, None, None, str(path), start, end, f"h-{uid}")


def test_pooling_is_the_mean_or_the_mean_and_spread():
    states = np.array([[1.0, 2.0], [3.0, 6.0]], np.float32)
    np.testing.assert_allclose(pool(states, "mean"), [2.0, 4.0])
    np.testing.assert_allclose(pool(states, "mean_std"), [2.0, 4.0, 1.0, 2.0])


def test_states_of_the_utterance_are_pooled_and_bad_files_are_errors(media_dir, tmp_path):
    extractor = create_extractor("audio_whisper", batch_size=2)
    rows = [
        utterance(media_dir / "tone.flac", "tone"),
        utterance(media_dir / "corrupt.mp4", "broken"),
        utterance(media_dir / "clip.mp4", "clip"),
        utterance(media_dir / "tone.wav", "part", 0.2, 1.0),
    ]
    result = extractor.extract(rows, cache_dir=tmp_path, progress=False)
    assert result.utterance_ids == ["tone", "clip", "part"] and result.vectors.shape == (3, 4 * 768)  # 4 layers
    assert [e.utterance_id for e in result.errors] == ["broken"] and "corrupt.mp4" in result.errors[0].reason
    assert np.isfinite(result.vectors).all() and result.details["model"] == "whisper-tiny.en"
    alone = extractor.extract(rows[:1], cache_dir=tmp_path, progress=False)  # batching does not change a vector
    np.testing.assert_allclose(alone.vectors[0], result.vectors[0], atol=1e-4)
    means = create_extractor("audio_whisper", pooling="mean").extract(rows[:1], cache_dir=tmp_path, progress=False)
    np.testing.assert_allclose(means.vectors[0][:384], result.vectors[0][:384], atol=1e-4)  # layer 0's means
    last = create_extractor("audio_whisper", layers="last").extract(rows[:1], cache_dir=tmp_path, progress=False)
    np.testing.assert_allclose(last.vectors[0], result.vectors[0][-768:], atol=1e-4)  # the last layer's
    padded = create_extractor("audio_whisper", window="30s").extract(rows[:1], cache_dir=tmp_path, progress=False)
    assert padded.vectors.shape == (1, 4 * 768) and not np.allclose(padded.vectors, result.vectors[:1], atol=1e-2)


def test_a_segment_longer_than_whisper_s_window_is_encoded_in_windows(tmp_path):
    long = tmp_path / "long.wav"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=300:duration=65", str(long)], check=True
    )
    result = create_extractor("audio_whisper").extract([utterance(long, "long")], cache_dir=tmp_path, progress=False)
    assert result.vectors.shape == (1, 3072) and not result.errors
