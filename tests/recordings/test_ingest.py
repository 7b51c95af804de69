"""The ``recordings`` layout end to end: a folder of long recordings, its sidecars and its bad files, into the store."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from emoflow.cli.demo_corpus.conversations import write_rttm, write_srt
from emoflow.recordings.layouts import detect_any_layout, ingest_any
from emoflow.storage import FeatureStore
from emoflow.storage.query import query

pytestmark = [pytest.mark.media, pytest.mark.slow]


@pytest.fixture
def folder(tmp_path, conversations):
    """The chat and the call, a transcribed copy of the stereo one, and four files that cannot be used."""
    corpus = tmp_path / "meetings"
    corpus.mkdir()
    shutil.copy(conversations["chat"].path, corpus / "chat.wav")
    shutil.copy(conversations["call"].path, corpus / "call.mp4")
    shutil.copy(conversations["stereo"].path, corpus / "transcribed.wav")
    write_srt(conversations["stereo"], corpus / "transcribed.srt")
    (corpus / "corrupt.mp3").write_bytes(b"not audio at all")
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "anullsrc=r=16000:cl=mono",
            "-t",
            "3",
            str(corpus / "silent.wav"),
        ],
        check=True,
    )
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=f=300:d=0.4", str(corpus / "blip.wav")], check=True
    )
    shutil.copy(conversations["chat"].path, corpus / "late.wav")
    (corpus / "late.srt").write_text("1\n00:10:00,000 --> 00:10:02,000\nAna: far too late\n")
    (corpus / "others.rttm").write_text("SPEAKER somebody-else 1 0.0 1.0 <NA> <NA> X <NA> <NA>\n")
    return corpus


def test_each_bad_recording_is_one_errors_row_and_the_others_are_ingested(folder, tmp_path):
    store = FeatureStore(tmp_path / "store")
    assert detect_any_layout(folder) == "recordings"
    report = ingest_any(folder, "meetings", store, progress=False)
    assert report.layout == "recordings"
    assert report.dialogues_per_split == {"unsplit": 3}
    reasons = sorted(p.reason for p in report.problems)
    assert [r.split(": ", 1)[0].rsplit("/", 1)[-1] for r in reasons] == [
        "blip.wav",
        "corrupt.mp3",
        "late.srt",
        "others.rttm",
        "silent.wav",
    ]
    assert "names recordings not in the folder: somebody-else" in " ".join(reasons)
    errors = query(store.root, "SELECT stage, input_path FROM errors WHERE dataset = 'meetings'").to_pylist()
    assert len(errors) == 5 and {e["stage"] for e in errors} == {"ingest"}

    rows = query(store.root, "SELECT * FROM utterances ORDER BY dialogue_id, turn").to_pylist()
    call = [r for r in rows if r["dialogue_id"] == "call"]
    assert call and all(r["video_path"].endswith("call.mp4") and r["audio_path"] is None for r in call)
    assert all(0 <= r["start_s"] < r["end_s"] for r in rows)
    transcribed = [r for r in rows if r["dialogue_id"] == "transcribed"]
    assert [r["text"] for r in transcribed] == [t.text for t in report_truth(folder, "transcribed")]


def report_truth(folder, name):
    from emoflow.recordings.sidecars import read_transcript

    return read_transcript(folder / f"{name}.srt")


def test_transcripts_table_says_where_speakers_and_words_came_from(folder, tmp_path, conversations):
    store = FeatureStore(tmp_path / "store")
    ingest_any(folder, "meetings", store, layout="recordings", progress=False)
    sources = query(
        store.root,
        "SELECT dialogue_id, speaker_source, text_source, count(*) AS n FROM transcripts "
        "GROUP BY ALL ORDER BY dialogue_id",
    ).to_pylist()
    assert [(s["dialogue_id"], s["speaker_source"], s["text_source"]) for s in sources] == [
        ("call", "clustering", "asr"),
        ("chat", "clustering", "asr"),
        ("transcribed", "transcript", "transcript"),
    ]
    speakers = query(store.root, "SELECT DISTINCT speaker FROM transcripts WHERE dialogue_id = 'transcribed'")
    assert sorted(speakers.column("speaker").to_pylist()) == sorted(conversations["stereo"].speakers)
    words = query(
        store.root,
        "SELECT w.word, w.start_s FROM transcripts, UNNEST(words) AS t(w) "
        "WHERE dialogue_id = 'chat' ORDER BY w.start_s LIMIT 3",
    ).to_pylist()
    assert [w["word"].strip(",.?!").lower() for w in words][:3] == ["have", "you", "seen"]


def test_an_rttm_sidecar_names_the_speakers_and_an_unchanged_folder_is_read_from_the_cache(tmp_path, conversations):
    corpus = tmp_path / "calls"
    corpus.mkdir()
    shutil.copy(conversations["chat"].path, corpus / "chat.wav")
    write_rttm(conversations["chat"], corpus / "chat.rttm")
    store = FeatureStore(tmp_path / "store")
    first = ingest_any(corpus, "calls", store, progress=False)
    speakers = query(store.root, "SELECT speaker, speaker_source FROM transcripts ORDER BY turn").to_pylist()
    assert [s["speaker"] for s in speakers] == [t.speaker for t in conversations["chat"].turns]
    assert {s["speaker_source"] for s in speakers} == {"rttm"}
    cached = list(store.cache_dir("recordings").glob("*.json"))
    assert len(cached) == 1
    before = cached[0].stat().st_mtime_ns
    again = ingest_any(corpus, "calls", store, progress=False)
    assert again.unchanged and not first.unchanged
    assert cached[0].stat().st_mtime_ns == before


def test_unknown_options_and_folders_without_media_are_clear_errors(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("nothing to hear")
    store = FeatureStore(tmp_path / "store")
    with pytest.raises(FileNotFoundError, match=r"empty: no media files"):
        ingest_any(tmp_path / "empty", "x", store, layout="recordings")
    with pytest.raises(ValueError, match=r"cannot tell its layout.*a folder of long recordings"):
        detect_any_layout(tmp_path / "empty")
    with pytest.raises(ValueError, match=r"the recordings layout takes no option colour"):
        ingest_any(tmp_path / "empty", "x", store, layout="recordings", colour="red")
