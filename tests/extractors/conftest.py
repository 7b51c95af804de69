"""Media made inside the tests with ffmpeg, and a small ingested corpus of demo clips plus bad media."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from emoflow.storage import FeatureStore, ingest_corpus

SMALL_DIALOGUES = ("d01", "d09", "d11")
"""One train, one val and one test dialogue of the demo corpus (22 utterances)."""


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-y", "-v", "error", *args], check=True)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real files in every container the extractors accept, and broken ones (1.5 s each)."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed (make setup installs it)")
    out = tmp_path_factory.mktemp("media")
    tone = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=1.5"]
    bars = ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=1.5"]
    ffmpeg(*tone, "-ac", "2", str(out / "tone.wav"))  # 44.1 kHz stereo
    ffmpeg(*tone, str(out / "tone.flac"))
    ffmpeg(*tone, "-ar", "22050", str(out / "tone.mp3"))
    ffmpeg(*bars, *tone, "-shortest", "-c:v", "libx264", "-c:a", "aac", str(out / "clip.mp4"))
    ffmpeg(*bars, *tone, "-shortest", "-c:v", "ffv1", "-c:a", "flac", str(out / "clip.mkv"))
    ffmpeg(*bars, *tone, "-shortest", "-c:v", "libvpx", "-c:a", "libopus", str(out / "clip.webm"))
    ffmpeg(*bars, *tone, "-shortest", "-c:v", "mpeg4", "-c:a", "mp3", str(out / "clip.avi"))
    ffmpeg(*bars, "-an", "-c:v", "libx264", str(out / "silent.mp4"))
    (out / "corrupt.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 this is not a video" * 40)
    return out


@pytest.fixture(scope="session")
def small_corpus(demo_dir: Path, media_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """22 demo utterances (train/val/test) plus a test dialogue of bad media, one kind of failure per turn."""
    root = tmp_path_factory.mktemp("small") / "corpus"
    (root / "clips").mkdir(parents=True)
    with open(demo_dir / "manifest.csv", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["dialogue_id"] in SMALL_DIALOGUES]
    for row in rows:
        shutil.copy(demo_dir / row["video_path"], root / row["video_path"])
    bad = [
        ("bad_corrupt", "corrupt.mp4", {}),
        ("bad_no_audio", "silent.mp4", {}),  # a video without sound: visual works (no face), audio fails
        ("bad_past_end", "clip.mp4", {"start_s": "20.0", "end_s": "21.0"}),
        ("bad_no_face", "clip.mp4", {}),  # colour bars: sound, but no face
    ]
    for turn, (utterance_id, media, segment) in enumerate(bad):
        shutil.copy(media_dir / media, root / "clips" / f"{utterance_id}.mp4")
        rows.append(
            {
                "dialogue_id": "bad",
                "utterance_id": utterance_id,
                "turn": str(turn),
                "speaker": "Ana",
                "text": f"line {turn}",
                "label": "neutral",
                "split": "test",
                "video_path": f"clips/{utterance_id}.mp4",
                "start_s": "",
                "end_s": "",
                **segment,
            }
        )
    rows.append(
        {
            "dialogue_id": "bad",
            "utterance_id": "bad_no_media",
            "turn": "4",
            "speaker": "Ben",
            "text": "text only",
            "label": "neutral",
            "split": "test",
            "video_path": "",
            "start_s": "",
            "end_s": "",
        }
    )
    columns = [*rows[0].keys(), "start_s", "end_s"]
    with open(root / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(dict.fromkeys(columns)), restval="")
        writer.writeheader()
        writer.writerows(rows)
    return root


@pytest.fixture
def small_store(small_corpus: Path, tmp_path: Path) -> FeatureStore:
    """A fresh store holding the small corpus as dataset ``small``."""
    store = FeatureStore(tmp_path / "store")
    ingest_corpus(small_corpus / "manifest.csv", "small", store, progress=False)
    return store
