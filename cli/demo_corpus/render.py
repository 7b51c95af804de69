"""Render the demo corpus: espeak-ng speech per speaker, a moving face photograph, H.264/AAC mp4 per utterance.

The face is matplotlib's bundled portrait of Grace Hopper, panned slowly (and mirrored or tinted per speaker)
so the video has motion and a findable face. Rendering is skipped when the corpus on disk is already complete
and its manifest matches the script.
"""

from __future__ import annotations

import csv
import io
import os
import wave
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tqdm.auto import tqdm

from emoflow.cli.demo_corpus.script import CAST, DIALOGUES, NEW_CONVERSATION, Dialogue, Voice
from emoflow.extractors.media import MediaError, require_binary, run_tool
from emoflow.storage.corpora.rows import MANIFEST_COLUMNS

FRAME_RATE = 25
TAIL_S = 0.3
"""Silence after each line, so a clip does not end on the last phoneme."""


@dataclass(frozen=True)
class DemoCorpus:
    """Where the rendered corpus is and how much of it was (re)made."""

    manifest: Path
    clips: int
    rendered: int


def face_image() -> Path:
    """The face photograph that ships with matplotlib."""
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: the demo corpus needs matplotlib's sample data")
    return path


def make_demo_corpus(
    out: Path | str,
    dialogues: Sequence[Dialogue] = DIALOGUES,
    *,
    labelled: bool = True,
    workers: int | None = None,
    progress: bool = True,
) -> DemoCorpus:
    """Write ``out/manifest.csv`` and ``out/clips/<utterance>.mp4``; unchanged clips are kept, not re-rendered.

    ``labelled=False`` leaves the label and split columns out: new recordings, as ``emoflow predict`` gets them.
    """
    for binary in ("ffmpeg", "espeak-ng"):
        require_binary(binary)
    out = Path(out)
    clips_dir = out / "clips"
    clips_dir.mkdir(parents=True, exist_ok=True)
    rows = _manifest_rows(dialogues, labelled)
    manifest_text = _csv_text(rows)
    manifest = out / "manifest.csv"
    previous = manifest.read_text(encoding="utf-8") if manifest.is_file() else None
    todo = [r for r in rows if previous != manifest_text or not (out / r["video_path"]).is_file()]
    if todo:
        manifest.unlink(missing_ok=True)  # written last: a manifest on disk means a complete corpus
        image = face_image()
        with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
            jobs = pool.map(lambda r: _render_clip(r, out / r["video_path"], image), todo)
            for _ in tqdm(jobs, total=len(todo), desc="rendering demo clips", unit="clip", disable=not progress):
                pass
        manifest.write_text(manifest_text, encoding="utf-8")
    return DemoCorpus(manifest=manifest, clips=len(rows), rendered=len(todo))


def make_new_recordings(out: Path | str, *, progress: bool = True) -> DemoCorpus:
    """The held-out call (:data:`NEW_CONVERSATION`) rendered without labels or splits, for the demo's prediction."""
    return make_demo_corpus(out, [NEW_CONVERSATION], labelled=False, progress=progress)


def _manifest_rows(dialogues: Sequence[Dialogue], labelled: bool = True) -> list[dict[str, str]]:
    rows = []
    for dialogue in dialogues:
        for turn, line in enumerate(dialogue.turns):
            if line.speaker not in CAST:
                raise ValueError(f"{dialogue.dialogue_id}: speaker {line.speaker!r} has no voice in CAST")
            utterance_id = f"{dialogue.dialogue_id}_u{turn:02d}"
            rows.append(
                {
                    "dialogue_id": dialogue.dialogue_id,
                    "utterance_id": utterance_id,
                    "turn": str(turn),
                    "speaker": line.speaker,
                    "text": line.text,
                    "label": line.label,
                    "split": dialogue.split,
                    "video_path": f"clips/{utterance_id}.mp4",
                }
            )
            if not labelled:
                del rows[-1]["label"], rows[-1]["split"]
    return rows


def _csv_text(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    columns = [c for c in MANIFEST_COLUMNS if c in rows[0]]
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _render_clip(row: dict[str, str], clip: Path, image: Path) -> None:
    voice = CAST[row["speaker"]]
    speech = clip.with_suffix(".wav")
    partial = clip.with_name(f".{clip.name}.partial.mp4")
    try:
        run_tool(_speak_args(voice, row["text"], speech), subject=speech)
        duration = _wav_seconds(speech) + TAIL_S
        run_tool(_mux_args(image, speech, voice, duration, partial), subject=clip)
        os.replace(partial, clip)
    except MediaError as error:
        raise MediaError(f"demo clip {row['utterance_id']} ({row['text']!r}): {error}") from None
    finally:
        speech.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)


def _speak_args(voice: Voice, text: str, wav: Path) -> list[str]:
    return [
        "espeak-ng",
        "-v",
        voice.espeak,
        "-p",
        str(voice.pitch),
        "-s",
        str(voice.words_per_minute),
        "-w",
        str(wav),
        text,
    ]


def _mux_args(image: Path, speech: Path, voice: Voice, duration: float, out: Path) -> list[str]:
    # A slow elliptical pan over the portrait: the face moves a few dozen pixels, never leaves the frame.
    video = (
        "[0:v]scale=400:468,"
        "crop=320:384:x='40+30*sin(2*PI*t/3.1)':y='42+24*sin(2*PI*t/2.3)',"
        + ("hflip," if voice.mirror else "")
        + f"hue=h={voice.hue},format=yuv420p[v]"
    )
    return [
        "ffmpeg",
        "-y",
        "-v",
        "error",
        "-loop",
        "1",
        "-framerate",
        str(FRAME_RATE),
        "-i",
        str(image),
        "-i",
        str(speech),
        "-filter_complex",
        f"{video};[1:a]apad[a]",
        "-map",
        "[v]",
        "-map",
        "[a]",
        "-t",
        f"{duration:.3f}",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "26",
        "-c:a",
        "aac",
        "-b:a",
        "64k",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        str(out),
    ]


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as handle:
        return handle.getnframes() / handle.getframerate()
