"""Voice activity, speech recognition and speakers on synthetic conversations whose truth is known."""

from __future__ import annotations

import pytest

from emoflow.recordings.analysis import RecordingSettings, analyse_recording
from emoflow.recordings.audio import RecordingError, load_recording_audio
from emoflow.recordings.ingest import recogniser_for
from emoflow.recordings.quality import TimedSpeech, diarisation_error_rate, segmentation_f1, word_error_rate
from emoflow.recordings.speech_recognition import AsrSettings

pytestmark = [pytest.mark.media, pytest.mark.slow]


def found(analysis) -> list[TimedSpeech]:
    return [TimedSpeech(t.speaker, t.start_s, t.end_s, t.text or "") for t in analysis.turns]


@pytest.fixture(scope="module")
def analysed(conversations):
    recogniser = recogniser_for(AsrSettings())
    return {name: analyse_recording(c.path, recogniser=lambda: recogniser) for name, c in conversations.items()}


def test_three_voices_are_segmented_told_apart_and_transcribed(conversations, analysed):
    chat, result = conversations["chat"], analysed["chat"]
    precision, recall, f1 = segmentation_f1(chat.truth(), found(result))
    assert f1 >= 0.9, (precision, recall)
    assert diarisation_error_rate(chat.truth(), found(result)) <= 0.1
    assert {t.speaker_source for t in result.turns} == {"clustering"}
    assert len({t.speaker for t in result.turns}) == len(chat.speakers) == 3
    assert word_error_rate(chat.truth(), found(result)) <= 0.45  # espeak-ng voices and Whisper tiny: see README
    assert {t.language for t in result.turns} == {"en"}
    words = [w for t in result.turns for w in t.words]
    assert words and all(
        t.start_s - 0.5 <= w.start_s <= w.end_s <= t.end_s + 0.5 for t in result.turns for w in t.words
    )
    assert {"decode", "vad", "diarisation", "asr"} <= set(result.seconds)


def test_a_video_file_is_read_for_its_sound_and_known_to_have_video(conversations, analysed):
    call, result = conversations["call"], analysed["call"]
    assert result.has_video and result.channels == 1
    assert segmentation_f1(call.truth(), found(result))[2] >= 0.85
    assert diarisation_error_rate(call.truth(), found(result)) <= 0.1


def test_stereo_with_one_speaker_per_channel_is_split_by_channel(conversations, analysed):
    stereo, result = conversations["stereo"], analysed["stereo"]
    assert {t.speaker_source for t in result.turns} == {"channel"}
    assert diarisation_error_rate(stereo.truth(), found(result)) <= 0.05


def test_a_given_number_of_speakers_is_kept(conversations):
    recogniser = recogniser_for(AsrSettings())
    result = analyse_recording(
        conversations["chat"].path, settings=RecordingSettings(speakers=2), recogniser=lambda: recogniser
    )
    assert len({t.speaker for t in result.turns}) == 2


def test_an_english_only_model_refuses_another_language():
    with pytest.raises(RecordingError, match=r"whisper-tiny\.en knows English only, not language 'de'"):
        recogniser_for(AsrSettings(language="de"))


def test_short_silent_and_corrupt_recordings_are_refused_by_name(tmp_path):
    import subprocess

    short, silent, corrupt = tmp_path / "short.wav", tmp_path / "silent.wav", tmp_path / "corrupt.mp3"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=f=300:d=0.5", str(short)], check=True)
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "3", str(silent)], check=True
    )
    corrupt.write_bytes(b"not audio at all")
    with pytest.raises(RecordingError, match=r"short\.wav: 0\.50 s of audio, shorter than the 1 s minimum"):
        load_recording_audio(short)
    with pytest.raises(RecordingError, match=r"silent\.wav: no speech found in 3\.0 s of audio"):
        analyse_recording(silent)
    with pytest.raises(RecordingError, match=r"corrupt\.mp3: ffprobe failed"):
        load_recording_audio(corrupt)
