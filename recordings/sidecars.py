"""Sidecar files of a recording: a timed transcript (SRT or WebVTT) and a speaker segmentation (RTTM).

A sidecar shares its recording's stem (``call.mp4`` + ``call.srt`` / ``call.vtt`` / ``call.rttm``); an RTTM file
may also hold several recordings, named by its second field (the file id, the recording's stem). Speaker names
come from WebVTT voice tags (``<v Ana>``) or a ``Name:`` prefix on a cue's first line. Only text is read: times,
names and words; nothing in a sidecar is run or followed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from emoflow.recordings.audio import RecordingError

TRANSCRIPT_SUFFIXES = (".srt", ".vtt")
RTTM_SUFFIX = ".rttm"
TIME_TOLERANCE_S = 0.5
"""A sidecar time may pass the end of the media by this much (encoders pad the last frame)."""

_TIMING = re.compile(
    r"^\s*(?P<start>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<end>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})"
)
_VOICE = re.compile(r"^<v(?:\.[^ >]*)?\s+(?P<name>[^>]+)>")
_PREFIX = re.compile(r"^(?P<name>[A-Z][\w .'-]{0,30}):\s+")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Cue:
    """One timed line of a transcript, or one speaker turn of an RTTM file (``text`` empty)."""

    start_s: float
    end_s: float
    text: str
    speaker: str | None


def read_transcript(path: Path) -> list[Cue]:
    """The cues of an SRT or WebVTT file, in time order; :class:`RecordingError` naming the line when malformed."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise RecordingError(f"{path}: cannot read the transcript ({error})") from None
    cues: list[Cue] = []
    index = 0
    while index < len(lines):
        match = _TIMING.match(lines[index])
        if not match:
            index += 1
            continue
        number = index + 1
        start, end = _seconds(match["start"]), _seconds(match["end"])
        if end <= start:
            raise RecordingError(f"{path} line {number}: the cue ends ({end:.3f} s) before it starts ({start:.3f} s)")
        text_lines = []
        index += 1
        while index < len(lines) and lines[index].strip():
            text_lines.append(lines[index].strip())
            index += 1
        speaker, text = _speaker_and_text(" ".join(text_lines))
        if text:
            cues.append(Cue(start, end, text, speaker))
    if not cues:
        raise RecordingError(f"{path}: no timed cues found (expected SRT or WebVTT)")
    return sorted(cues, key=lambda c: c.start_s)


def read_rttm(path: Path) -> dict[str, list[Cue]]:
    """Speaker turns per file id from an RTTM file (``SPEAKER <file> <chan> <start> <duration> ... <name> ...``)."""
    turns: dict[str, list[Cue]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise RecordingError(f"{path}: cannot read the RTTM file ({error})") from None
    for number, line in enumerate(lines, 1):
        fields = line.split()
        if not fields or fields[0] != "SPEAKER":
            continue
        try:
            start, duration = float(fields[3]), float(fields[4])
            name = fields[7]
        except (IndexError, ValueError):
            raise RecordingError(f"{path} line {number}: not an RTTM SPEAKER line: {line.strip()[:80]!r}") from None
        if duration <= 0 or start < 0:
            raise RecordingError(f"{path} line {number}: a turn needs a start ≥ 0 and a positive duration")
        turns.setdefault(fields[1], []).append(Cue(start, start + duration, "", name))
    if not turns:
        raise RecordingError(f"{path}: no SPEAKER lines found")
    return {file_id: sorted(cues, key=lambda c: c.start_s) for file_id, cues in turns.items()}


def check_within(cues: list[Cue], duration_s: float, path: Path) -> None:
    """:class:`RecordingError` when a cue ends after the media does."""
    late = [c for c in cues if c.end_s > duration_s + TIME_TOLERANCE_S]
    if late:
        raise RecordingError(
            f"{path}: {len(late)} cue(s) end after the recording does ({duration_s:.2f} s), the first at "
            f"{late[0].start_s:.2f}-{late[0].end_s:.2f} s; is it the transcript of another recording?"
        )


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    value = 0.0
    for part in parts:
        value = value * 60 + float(part)
    return value


def _speaker_and_text(line: str) -> tuple[str | None, str]:
    speaker = None
    voice = _VOICE.match(line)
    if voice:
        speaker = voice["name"].strip()
    text = _TAG.sub("", line).strip()
    if speaker is None:
        prefix = _PREFIX.match(text)
        if prefix:
            speaker, text = prefix["name"].strip(), text[prefix.end() :].strip()
    return speaker, text
