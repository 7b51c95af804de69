"""Whisper's hallucination checks on hand-made decodings, and speech in another language on real recordings."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from emoflow.recordings.transcript_checks import decoding_rejection, looped_ngram

EMODB = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "emodb" / "wav"


def test_decodings_whisper_itself_would_reject_are_named():
    assert decoding_rejection(-0.3, 1.4, 0.01) is None
    assert decoding_rejection(-0.3, 3.1, 0.01) == "repetitive text (compression ratio 3.1 > 2.4)"
    assert decoding_rejection(-1.4, 1.4, 0.9) == "no speech (no-speech probability 0.90 > 0.6)"
    assert decoding_rejection(-1.4, 1.4, 0.1) == "unsure decoding (average log-probability -1.40 < -1.0)"
    assert decoding_rejection(-0.2, 1.4, 0.9) is None  # confident words despite a quiet start


def test_looped_words_are_caught_and_ordinary_repetition_is_not():
    assert looped_ngram("i am done i am done i am done") == "looped words ('i am done' 3 times in a row)"
    assert looped_ngram("No, no, no, no! Stop.") == "looped words ('no' 4 times in a row)"
    assert looped_ngram("No, no, no. I said I am done, I am done.") is None
    assert looped_ngram("I'm so happy to be here.") is None


@pytest.mark.media
def test_german_speech_is_left_untranscribed_by_the_english_model_and_says_how_to_fix_it(tmp_path, store):
    if not EMODB.is_dir():
        pytest.skip(f"EmoDB not found at {EMODB} (the shared data folder is absent)")
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed (make setup installs it)")
    from emoflow.recordings.ingest import ingest_recordings

    clips = sorted(EMODB.glob("*.wav"))[::60][:6]  # six speakers' sentences, 2 s each
    listing = tmp_path / "clips.txt"
    silence = tmp_path / "silence.wav"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "anullsrc=r=22050:cl=mono", "-t", "0.8", str(silence)],
        check=True,
    )
    listing.write_text("".join(f"file '{clip}'\nfile '{silence}'\n" for clip in clips))
    (tmp_path / "recordings").mkdir()
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
            "-ar",
            "16000",
            str(tmp_path / "recordings" / "german.wav"),
        ],
        check=True,
    )
    report = ingest_recordings(tmp_path / "recordings", "german", store, progress=False)
    transcripts = store.read_transcripts("german").to_pylist()
    assert len(transcripts) >= 4 and {t["text"] for t in transcripts} == {None}  # no invented English
    assert {(t["text_source"], t["language"]) for t in transcripts} == {("untranscribed", "de")}
    (problem,) = [p.reason for p in report.problems]
    assert problem.startswith(
        f"german.wav: {len(transcripts)} of {len(transcripts)} segments left untranscribed: speech in language 'de'"
    )
    assert "--asr-model whisper-base --language de" in problem
    assert store.read_utterances("german").num_rows == len(transcripts)  # their voices are still there to use
    assert "left untranscribed" in store.read_errors("german").column("reason").to_pylist()[0]
