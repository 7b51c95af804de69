"""Speech probabilities into utterance-sized segments, by documented rules (``docs/recordings.md``).

1. A window is speech when its probability reaches ``threshold``; speech goes on until it falls below
   ``threshold - 0.15`` (hysteresis, as Silero's own post-processing).
2. Pauses shorter than ``min_silence_s`` do not end a segment: a turn's own pauses stay inside it.
3. Segments shorter than ``min_speech_s`` are dropped (clicks, breaths).
4. Segments longer than ``max_segment_s`` are cut at their least speech-like window between a third and the whole
   of the allowed length, again until every piece fits.
5. Each segment is widened by ``pad_s`` on both sides, never past the middle of the pause to its neighbour or the
   ends of the recording.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from emoflow.recordings.voice_activity import WINDOW_S

HYSTERESIS = 0.15


@dataclass(frozen=True)
class SegmentRules:
    """The segmentation rules' parameters (seconds; ``threshold`` a probability)."""

    threshold: float = 0.5
    min_silence_s: float = 0.5
    min_speech_s: float = 0.25
    max_segment_s: float = 20.0
    pad_s: float = 0.1

    def __post_init__(self) -> None:
        if not 0.15 < self.threshold < 1:
            raise ValueError(f"threshold must lie in (0.15, 1), got {self.threshold}")
        if self.max_segment_s < 1:
            raise ValueError(f"max_segment_s must be at least 1 s, got {self.max_segment_s}")
        if min(self.min_silence_s, self.min_speech_s, self.pad_s) < 0:
            raise ValueError("min_silence_s, min_speech_s and pad_s must not be negative")


@dataclass(frozen=True)
class Segment:
    """A stretch of speech, in seconds from the start of the recording."""

    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        """Its length."""
        return self.end_s - self.start_s


def speech_segments(
    probabilities: np.ndarray, duration_s: float, rules: SegmentRules = SegmentRules()
) -> list[Segment]:
    """The segments of a recording of ``duration_s`` seconds whose speech probabilities are ``probabilities``."""
    runs = _speech_runs(probabilities, rules.threshold)
    merged: list[list[int]] = []
    for start, end in runs:
        if merged and (start - merged[-1][1]) * WINDOW_S < rules.min_silence_s:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    kept = [(s, e) for s, e in merged if (e - s) * WINDOW_S >= rules.min_speech_s]
    limit = max(1, int(rules.max_segment_s / WINDOW_S))
    pieces: list[tuple[int, int]] = []
    for start, end in kept:
        pieces += _cut(probabilities, start, end, limit)
    return _padded(pieces, duration_s, rules.pad_s)


def _speech_runs(probabilities: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    runs, start, low = [], None, threshold - HYSTERESIS
    for index, p in enumerate(probabilities):
        if start is None and p >= threshold:
            start = index
        elif start is not None and p < low:
            runs.append((start, index))
            start = None
    if start is not None:
        runs.append((start, len(probabilities)))
    return runs


def _cut(probabilities: np.ndarray, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    pieces = []
    while end - start > limit:
        window = probabilities[start + limit // 3 : start + limit]
        cut = start + limit // 3 + int(np.argmin(window))
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def _padded(pieces: list[tuple[int, int]], duration_s: float, pad_s: float) -> list[Segment]:
    segments = []
    for index, (start, end) in enumerate(pieces):
        start_s, end_s = start * WINDOW_S, min(end * WINDOW_S, duration_s)
        before = pieces[index - 1][1] * WINDOW_S if index else 0.0
        after = pieces[index + 1][0] * WINDOW_S if index + 1 < len(pieces) else duration_s
        low = max(start_s - pad_s, (before + start_s) / 2 if index else 0.0)
        high = min(end_s + pad_s, (end_s + after) / 2 if index + 1 < len(pieces) else duration_s)
        segments.append(Segment(round(low, 3), round(high, 3)))
    return segments
