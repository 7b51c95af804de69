"""Whisper weights by name and by folder: the packaged tiny.en, the split multilingual base, a local folder."""

from __future__ import annotations

import subprocess

import pytest

from emoflow.extractors.whisper_models import WHISPER_BASE_SHA256, AsrModelError, resolve_whisper
from emoflow.recordings.audio import RecordingError, load_recording_audio
from emoflow.recordings.segmentation import Segment
from emoflow.recordings.speech_recognition import AsrSettings, SpeechRecogniser


def test_whisper_base_is_joined_once_into_the_cache_and_verified(tmp_path, monkeypatch):
    monkeypatch.setenv("EMOFLOW_CACHE", str(tmp_path / "cache"))
    weights = resolve_whisper("whisper-base")
    assert weights.folder.parent == tmp_path / "cache" / "models"
    assert {p.name for p in weights.folder.iterdir()} >= {"model.bin", "config.json", "tokenizer.json"}
    assert weights.sha256 == WHISPER_BASE_SHA256
    mtime = (weights.folder / "model.bin").stat().st_mtime_ns
    assert resolve_whisper("whisper-base").folder == weights.folder
    assert (weights.folder / "model.bin").stat().st_mtime_ns == mtime


def test_a_ctranslate2_folder_is_taken_by_path_and_other_names_are_refused(tmp_path):
    tiny = resolve_whisper("whisper-tiny.en")
    by_path = resolve_whisper(str(tiny.folder))
    assert by_path.sha256 == tiny.sha256 and by_path.folder == tiny.folder
    with pytest.raises(AsrModelError, match="neither a known name"):
        resolve_whisper("whisper-huge")
    (tmp_path / "hf").mkdir()
    with pytest.raises(AsrModelError, match="ct2-transformers-converter"):
        resolve_whisper(str(tmp_path / "hf"))


@pytest.mark.media
def test_the_multilingual_model_detects_the_language_and_refuses_unknown_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("EMOFLOW_CACHE", str(tmp_path / "cache"))
    speech = tmp_path / "de.wav"
    subprocess.run(
        [
            "espeak-ng",
            "-v",
            "de",
            "-w",
            str(speech),
            "Guten Morgen, wie geht es dir heute? Mir geht es sehr gut, danke.",
        ],
        check=True,
    )
    audio = load_recording_audio(speech)
    recogniser = SpeechRecogniser(AsrSettings(model="whisper-base"))
    (said,) = recogniser.transcribe(audio.mono, [Segment(0.0, audio.duration_s)])
    assert said.language == "de" and said.language_probability > 0.5
    assert "morgen" in said.text.lower()
    assert recogniser.lineage()["weights_sha256"] == WHISPER_BASE_SHA256
    with pytest.raises(RecordingError, match=r"does not know language 'xx'; it knows: af, am, ar"):
        SpeechRecogniser(AsrSettings(model="whisper-base", language="xx"))


@pytest.mark.media
def test_batched_decoding_finds_the_same_words_as_one_segment_at_a_time(conversations):
    audio = load_recording_audio(conversations["call"].path)
    segments = [Segment(t.start_s - 0.1, t.end_s + 0.1) for t in conversations["call"].turns[:4]]
    one_by_one = SpeechRecogniser(AsrSettings()).transcribe(audio.mono, segments)
    batched = SpeechRecogniser(AsrSettings(batch_size=4)).transcribe(audio.mono, segments)
    for single, batch in zip(one_by_one, batched, strict=True):
        assert batch.words, "every segment gets words"
        overlap = set(single.text.lower().split()) & set(batch.text.lower().split())
        assert len(overlap) >= len(single.text.split()) // 2
