"""Row validation shared by every corpus layout.

Two kinds of problem, each recorded with a message naming the row and the problem:

* a problem with the row itself (missing id or speaker, duplicate utterance id, repeated turn, unknown split,
  bad segment) drops the row, and a dialogue whose turns name different splits is dropped whole;
* a problem with one input (missing media file, a directory, a path leaving the corpus folder, by ``..``, an
  absolute path or a symlink whose target is outside, text that is not UTF-8) clears that input and keeps the
  row: the modality is then missing for that utterance, and its dialogue keeps its turn.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emoflow.storage.corpora.rows import MEDIA_COLUMNS, REQUIRED_COLUMNS, RawCorpus, RawRow, RawValue
from emoflow.storage.corpora.text_files import invalid_utf8
from emoflow.storage.schema import SPLIT_ALIASES, SPLITS

STRING_COLUMNS = ("dialogue_id", "utterance_id", "speaker", "label", "split")


@dataclass(frozen=True)
class RowProblem:
    """One validation finding: which utterance, what went wrong, which file, and whether the row was dropped."""

    utterance_id: str | None
    reason: str
    input_path: str
    dropped: bool


@dataclass
class ValidatedCorpus:
    """Rows that passed (typed, media paths absolute) and the problems found."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def validate_corpus(corpus: RawCorpus, labels: Sequence[str] | None = None) -> ValidatedCorpus:
    """Check every row of ``corpus``; see the module docstring for what is dropped and what is cleared.

    ``labels``: the corpus's declared label set (rows with another label are dropped); without it, a rare label
    is a warning (:func:`check_labels`).
    """
    result = ValidatedCorpus()
    seen_ids: dict[str, str] = {}
    seen_turns: dict[tuple[str, int], str] = {}
    root = Path(os.path.abspath(corpus.root))
    for raw in corpus.rows:
        row, problems = _check_row(raw, root)
        if row is not None:
            uid, key = row["utterance_id"], (row["dialogue_id"], row["turn"])
            if uid in seen_ids:
                problems.append(_drop(raw, root, f"duplicate utterance_id {uid!r}, first seen at {seen_ids[uid]}"))
                row = None
            elif key in seen_turns:
                problems.append(
                    _drop(raw, root, f"turn {key[1]} of dialogue {key[0]!r} already given at {seen_turns[key]}")
                )
                row = None
            else:
                seen_ids[uid] = raw.source
                seen_turns[key] = raw.source
        result.problems.extend(problems)
        if row is not None:
            result.rows.append(row)
    _refuse_mixed_splits(result, corpus, root)
    check_labels(result, corpus, root, labels)
    return result


RARE_LABEL_COUNT = 5
"""An undeclared label seen fewer times than this, beside a label seen at least :data:`COMMON_LABEL_COUNT` times,
is named in a warning: most likely a typo (``happyish``) that would otherwise become a class of its own."""
COMMON_LABEL_COUNT = 20


def check_labels(result: ValidatedCorpus, corpus: RawCorpus, root: Path, declared: Sequence[str] | None) -> None:
    """Labels against the declared set (rows with another label are dropped), or rare labels as warnings."""
    raw_of = {raw.source: raw for raw in corpus.rows}
    counts = Counter(row["label"] for row in result.rows if row["label"])
    if declared is not None:
        allowed = set(declared)
        kept = []
        for row in result.rows:
            if row["label"] and row["label"] not in allowed:
                reason = f"label {row['label']!r} is not one of the declared labels ({', '.join(declared)})"
                result.problems.append(_drop(raw_of[row["source"]], root, reason))
            else:
                kept.append(row)
        result.rows = kept
        return
    if not counts or max(counts.values()) < COMMON_LABEL_COUNT:
        return
    common = ", ".join(
        f"{label} {n}" for label, n in sorted(counts.items(), key=lambda c: (-c[1], c[0])) if n >= RARE_LABEL_COUNT
    )
    for row in result.rows:
        n = counts.get(row["label"], 0)
        if 0 < n < RARE_LABEL_COUNT:
            reason = (
                f"label {row['label']!r} appears only {n} time(s) (most common: {common}): a typo? it becomes "
                "a class of its own; declare the labels with --labels to refuse it"
            )
            result.problems.append(_clear(raw_of[row["source"]], root, reason))


def _refuse_mixed_splits(result: ValidatedCorpus, corpus: RawCorpus, root: Path) -> None:
    """Drop every turn of a dialogue whose turns name different splits (one problem per turn).

    A dialogue is trained, selected on or tested as a whole: one taking its first turn's split would train on
    validation or test labels.
    """
    splits: dict[str, set[str | None]] = {}
    for row in result.rows:
        splits.setdefault(row["dialogue_id"], set()).add(row["split"])
    mixed = {d for d, found in splits.items() if len(found) > 1}
    if not mixed:
        return
    raw_of = {raw.source: raw for raw in corpus.rows}
    kept = []
    for row in result.rows:
        if row["dialogue_id"] in mixed:
            found = ", ".join(sorted(s or "(none)" for s in splits[row["dialogue_id"]]))
            reason = (
                f"dialogue {row['dialogue_id']!r} has turns in different splits ({found}); a dialogue belongs "
                "to one split, so the whole dialogue is refused"
            )
            result.problems.append(_drop(raw_of[row["source"]], root, reason))
        else:
            kept.append(row)
    result.rows = kept


def _check_row(raw: RawRow, root: Path) -> tuple[dict[str, Any] | None, list[RowProblem]]:
    values = raw.values
    problems: list[RowProblem] = []

    for column in REQUIRED_COLUMNS:
        if values.get(column) is None:
            return None, [_drop(raw, root, f"{column} is empty")]
    for column in STRING_COLUMNS:
        value = values.get(column)
        if isinstance(value, str) and (bad := invalid_utf8(value)):
            return None, [_drop(raw, root, f"{column} is not valid UTF-8 (bytes {bad!r})")]

    row: dict[str, Any] = {c: _clean_str(values.get(c)) for c in STRING_COLUMNS}
    try:
        row["turn"] = _as_int(values["turn"])
    except ValueError:
        return None, [_drop(raw, root, f"turn {values['turn']!r} is not a whole number >= 0")]

    split = row["split"]
    if split is not None:
        split = SPLIT_ALIASES.get(split.lower(), split.lower())
        if split not in SPLITS:
            allowed = ", ".join((*SPLITS, *SPLIT_ALIASES))
            return None, [_drop(raw, root, f"unknown split {row['split']!r}; expected one of {allowed} or empty")]
        row["split"] = split

    try:
        row["start_s"], row["end_s"] = _segment(values.get("start_s"), values.get("end_s"))
    except ValueError as error:
        return None, [_drop(raw, root, str(error))]

    text = values.get("text")
    text = None if text is None else str(text)
    if text is not None and (bad := invalid_utf8(text)):
        problems.append(_clear(raw, root, f"text is not valid UTF-8 (bytes {bad!r}); the text is left empty"))
        text = None
    row["text"] = text

    for column in MEDIA_COLUMNS:
        row[column], problem = _media_path(raw, root, column)
        if problem is not None:
            problems.append(problem)
    row["source"] = raw.source
    return row, problems


def _media_path(raw: RawRow, root: Path, column: str) -> tuple[str | None, RowProblem | None]:
    value = raw.values.get(column)
    if value is None:
        return None, None
    relative = str(value)
    if invalid_utf8(relative):
        return None, _clear(raw, root, f"{column} is not valid UTF-8; the {column} is left empty")
    resolved = Path(os.path.normpath(root / relative))
    if not resolved.is_relative_to(root):
        return None, _clear(raw, root, f"{column} {relative!r} leaves the corpus folder {root}", str(resolved))
    real = Path(os.path.realpath(resolved))
    if not real.is_relative_to(os.path.realpath(root)):  # a symlinked file or folder on the way points outside
        return None, _clear(
            raw, root, f"{column} {relative!r} is a link to {real}, outside the corpus folder {root}", str(resolved)
        )
    if real.is_dir():
        return None, _clear(raw, root, f"{column} {relative!r} is a directory, not a media file", str(resolved))
    if not real.is_file():
        return None, _clear(raw, root, f"{column} {relative!r} does not exist", str(resolved))
    return str(resolved), None


def _segment(start: RawValue, end: RawValue) -> tuple[float | None, float | None]:
    start_s, end_s = _as_float(start, "start_s"), _as_float(end, "end_s")
    if start_s is not None and start_s < 0:
        raise ValueError(f"start_s {start_s} is negative")
    if end_s is not None and end_s <= (start_s or 0.0):
        raise ValueError(f"end_s {end_s} is not after start_s {start_s or 0.0}: the segment is empty")
    return start_s, end_s


def _as_float(value: RawValue, column: str) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{column} {value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{column} {value!r} is not a finite number")
    return number


def _as_int(value: RawValue) -> int:
    number = float(value) if isinstance(value, str) else value
    if not isinstance(number, int | float) or number != int(number) or number < 0:
        raise ValueError(value)
    return int(number)


def _clean_str(value: RawValue) -> str | None:
    return None if value is None else str(value).strip() or None


def _drop(raw: RawRow, root: Path, problem: str, input_path: str | None = None) -> RowProblem:
    return _problem(raw, root, f"{problem}; row skipped", input_path, dropped=True)


def _clear(raw: RawRow, root: Path, problem: str, input_path: str | None = None) -> RowProblem:
    return _problem(raw, root, problem, input_path, dropped=False)


def _problem(raw: RawRow, root: Path, problem: str, input_path: str | None, *, dropped: bool) -> RowProblem:
    uid = raw.values.get("utterance_id")
    uid_text = None if uid is None or invalid_utf8(str(uid)) else str(uid)
    named = f" (utterance {uid_text!r})" if uid_text else ""
    return RowProblem(
        utterance_id=uid_text,
        reason=f"{raw.source}{named}: {problem}",
        input_path=input_path or str(root / raw.file),
        dropped=dropped,
    )
