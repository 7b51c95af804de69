"""IEMOCAP's own layout: ``Session1..5/dialog/{transcriptions,EmoEvaluation,wav,avi/DivX}``.

Turns come from the transcriptions (ordered by start time), labels from EmoEvaluation. The standard six
classes are kept (happy, excited, neutral, sad, angry, frustrated); other judgements (surprise, fear, ``xxx``,
...) leave the utterance unlabelled but in its dialogue, where it is still context. Media are the dialogue's
video (``dialog/avi/DivX/<dialogue>.avi``) and audio (``dialog/wav/<dialogue>.wav``) with the utterance's segment;
``sentences/wav`` holds the same audio already cut and is not needed.
Splits follow the literature: sessions 1-4 train, a seeded ``val_fraction`` of their dialogues validation,
session 5 test.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from emoflow.storage.corpora.rows import RawCorpus, RawRow
from emoflow.storage.corpora.text_files import read_text

SESSIONS = tuple(f"Session{i}" for i in range(1, 6))
TEST_SESSION = "Session5"
LABELS = {
    "hap": "happy",
    "exc": "excited",
    "neu": "neutral",
    "sad": "sad",
    "ang": "angry",
    "fru": "frustrated",
}

_TURN = re.compile(r"^(?P<uid>Ses\d\d\w*?_[FM]\w*)\s+\[(?P<start>[\d.]+)-(?P<end>[\d.]+)\]:\s?(?P<text>.*)$")
_JUDGEMENT = re.compile(r"^\[[\d.]+ - [\d.]+\]\s+(?P<uid>Ses\S+)\s+(?P<code>\w+)\s")


def is_iemocap(path: Path) -> bool:
    """Whether ``path`` is a folder in IEMOCAP's layout."""
    return any((Path(path) / s / "dialog" / "transcriptions").is_dir() for s in SESSIONS)


def read_iemocap(path: Path, *, val_fraction: float = 0.1, seed: int = 0) -> RawCorpus:
    """Read every session present; dialogues of sessions 1-4 are split train/val with ``seed``."""
    root = Path(path)
    corpus = RawCorpus(root=root, layout="iemocap")
    dialogues: dict[str, list[RawRow]] = {}
    for session in SESSIONS:
        dialog = root / session / "dialog"
        labels = _read_labels(dialog / "EmoEvaluation")
        for transcript in sorted((dialog / "transcriptions").glob("*.txt")):
            corpus.files.append(transcript)
            dialogue_id = transcript.stem
            rows = _read_turns(transcript, dialogue_id, labels)
            video = dialog / "avi" / "DivX" / f"{dialogue_id}.avi"
            audio = dialog / "wav" / f"{dialogue_id}.wav"
            for turn, row in enumerate(rows):
                row.values["turn"] = turn
                row.values["split"] = "test" if session == TEST_SESSION else "train"
                row.values["video_path"] = str(video.relative_to(root)) if video.is_file() else None
                row.values["audio_path"] = str(audio.relative_to(root)) if audio.is_file() else None
            dialogues[dialogue_id] = rows
    if not corpus.files:
        raise FileNotFoundError(f"{root}: no Session*/dialog/transcriptions/*.txt found")
    for dialogue_id in _validation_dialogues(dialogues, val_fraction, seed):
        for row in dialogues[dialogue_id]:
            row.values["split"] = "val"
    corpus.rows = [row for rows in dialogues.values() for row in rows]
    return corpus


def _read_labels(folder: Path) -> dict[str, str]:
    labels: dict[str, str] = {}
    for path in sorted(folder.glob("*.txt")):
        for line in read_text(path).splitlines():
            match = _JUDGEMENT.match(line)
            if match:
                labels[match["uid"]] = match["code"]
    return labels


def _read_turns(transcript: Path, dialogue_id: str, labels: dict[str, str]) -> list[RawRow]:
    rows = []
    relative = f"{transcript.parent.parent.parent.name}/dialog/transcriptions/{transcript.name}"
    for line_number, line in enumerate(read_text(transcript).splitlines(), start=1):
        match = _TURN.match(line.strip())
        if not match:
            continue  # stage directions and unnamed turns carry no utterance id
        uid = match["uid"]
        gender = uid.rsplit("_", 1)[-1][0]
        values = {
            "dialogue_id": dialogue_id,
            "utterance_id": uid,
            "speaker": f"{uid[:5]}_{gender}",
            "text": match["text"].strip() or None,
            "label": LABELS.get(labels.get(uid, "")),
            "start_s": float(match["start"]),
            "end_s": float(match["end"]),
        }
        rows.append(RawRow(values=dict(values), file=relative, where=f"line {line_number}"))
    rows.sort(key=lambda r: float(r.values["start_s"] or 0.0))
    return rows


def _validation_dialogues(dialogues: dict[str, list[RawRow]], fraction: float, seed: int) -> list[str]:
    train = sorted(d for d, rows in dialogues.items() if rows and rows[0].values["split"] == "train")
    count = round(len(train) * fraction)
    return random.Random(seed).sample(train, count) if count else []
