"""How well a recording was turned into utterances, against known truth: WER, DER and segmentation F1.

* **Word error rate**: word-level Levenshtein distance between the recording's recognised words and the true
  words (both lower-cased, punctuation removed, turns joined in time order), divided by the true word count.
* **Diarisation error rate**: (missed speech + false alarm + speaker confusion) / true speech time, on 10 ms
  frames, with the best one-to-one mapping of found to true speakers (Hungarian algorithm) and the usual 0.25 s
  forgiveness collar around every true turn boundary.
* **Segmentation F1**: a true turn is found when a found segment overlaps it with intersection over union ≥ 0.5
  (one-to-one, best overlaps first); precision over found segments, recall over true turns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

FRAME_S = 0.01
COLLAR_S = 0.25
MATCH_IOU = 0.5


@dataclass(frozen=True)
class TimedSpeech:
    """A stretch of speech: who, when, and (optionally) what."""

    speaker: str
    start_s: float
    end_s: float
    text: str = ""


def normalised_words(text: str) -> list[str]:
    """Lower-case words without punctuation (apostrophes kept inside words)."""
    return re.findall(r"[a-z0-9]+(?:'[a-z0-9]+)*", text.lower())


def word_errors(truth: Sequence[str], found: Sequence[str]) -> int:
    """Substitutions + deletions + insertions turning ``truth`` into ``found``."""
    previous = list(range(len(found) + 1))
    for i, word in enumerate(truth, 1):
        current = [i] + [0] * len(found)
        for j, other in enumerate(found, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other))
        previous = current
    return previous[-1]


def word_error_rate(truth: Sequence[TimedSpeech], found: Sequence[TimedSpeech]) -> float:
    """WER of ``found`` against ``truth`` (module docstring)."""
    reference = [w for t in sorted(truth, key=lambda t: t.start_s) for w in normalised_words(t.text)]
    hypothesis = [w for t in sorted(found, key=lambda t: t.start_s) for w in normalised_words(t.text)]
    return word_errors(reference, hypothesis) / max(1, len(reference))


def _frames(turns: Sequence[TimedSpeech], names: dict[str, int], count: int) -> np.ndarray:
    labels = np.full(count, -1, dtype=np.int64)
    for turn in turns:
        labels[round(turn.start_s / FRAME_S) : round(turn.end_s / FRAME_S)] = names[turn.speaker]
    return labels


def diarisation_error_rate(truth: Sequence[TimedSpeech], found: Sequence[TimedSpeech]) -> float:
    """DER of ``found`` against ``truth`` (module docstring); truth without overlapping speech."""
    from scipy.optimize import linear_sum_assignment

    end = max([t.end_s for t in truth] + [t.end_s for t in found] + [0.0])
    count = int(np.ceil(end / FRAME_S)) + 1
    true_names = {s: i for i, s in enumerate(dict.fromkeys(t.speaker for t in truth))}
    found_names = {s: i for i, s in enumerate(dict.fromkeys(t.speaker for t in found))}
    reference, hypothesis = _frames(truth, true_names, count), _frames(found, found_names, count)
    scored = np.ones(count, dtype=bool)
    collar = round(COLLAR_S / FRAME_S)
    for turn in truth:
        for edge in (turn.start_s, turn.end_s):
            middle = round(edge / FRAME_S)
            scored[max(0, middle - collar) : middle + collar] = False
    reference, hypothesis = reference[scored], hypothesis[scored]
    speech = int((reference >= 0).sum())
    if speech == 0:
        return 0.0
    both = (reference >= 0) & (hypothesis >= 0)
    overlap = np.zeros((len(true_names), max(1, len(found_names))), dtype=np.int64)
    np.add.at(overlap, (reference[both], hypothesis[both]), 1)
    rows, columns = linear_sum_assignment(-overlap)
    correct = int(overlap[rows, columns].sum())
    missed = int(((reference >= 0) & (hypothesis < 0)).sum())
    false_alarm = int(((reference < 0) & (hypothesis >= 0)).sum())
    confusion = int(both.sum()) - correct
    return (missed + false_alarm + confusion) / speech


def segmentation_f1(truth: Sequence[TimedSpeech], found: Sequence[TimedSpeech]) -> tuple[float, float, float]:
    """(precision, recall, F1) of found segments against true turns (module docstring)."""
    pairs = []
    for i, t in enumerate(truth):
        for j, f in enumerate(found):
            inter = min(t.end_s, f.end_s) - max(t.start_s, f.start_s)
            if inter > 0:
                union = max(t.end_s, f.end_s) - min(t.start_s, f.start_s)
                pairs.append((inter / union, i, j))
    used_true, used_found, matched = set(), set(), 0
    for iou, i, j in sorted(pairs, reverse=True):
        if iou >= MATCH_IOU and i not in used_true and j not in used_found:
            used_true.add(i)
            used_found.add(j)
            matched += 1
    precision = matched / len(found) if found else 0.0
    recall = matched / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
