"""Ingest a corpus into the store's ``utterances`` table: read, validate, hash, write (or do nothing)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
from tqdm.auto import tqdm

from emoflow.storage.corpora import RawCorpus, read_corpus
from emoflow.storage.hashing import FileDigests, table_fingerprint, utterance_hash
from emoflow.storage.lineage import make_lineage
from emoflow.storage.schema import UTTERANCES
from emoflow.storage.store import ErrorRecord, FeatureStore
from emoflow.storage.validation import RowProblem, validate_corpus

ERRORS_KEY = "corpus"


class IngestError(ValueError):
    """``--strict`` ingestion found problems; nothing was written."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  - {p.reason}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the corpus; nothing was ingested:\n{shown}{more}")


@dataclass
class IngestReport:
    """What one ingestion did."""

    dataset: str
    layout: str
    corpus: Path
    rows_read: int
    rows_ingested: int
    unchanged: bool
    problems: list[RowProblem] = field(default_factory=list)
    utterances_per_split: dict[str, int] = field(default_factory=dict)
    dialogues_per_split: dict[str, int] = field(default_factory=dict)
    labels: dict[str, int] = field(default_factory=dict)

    def summary(self, max_problems: int = 10) -> str:
        """A few lines for people: counts, and the first problems."""
        state = "unchanged, nothing written" if self.unchanged else "written"
        lines = [
            f"{self.dataset}: {self.rows_ingested} of {self.rows_read} utterances from {self.corpus} "
            f"({self.layout} layout), {state}",
            "  utterances per split: " + _counts(self.utterances_per_split),
            "  dialogues per split:  " + _counts(self.dialogues_per_split),
            f"  labels ({len(self.labels)}): " + _counts(self.labels),
        ]
        if self.problems:
            dropped = sum(p.dropped for p in self.problems)
            lines.append(f"  {len(self.problems)} problem(s), {dropped} row(s) skipped, recorded in errors/:")
            lines += [f"    - {p.reason}" for p in self.problems[:max_problems]]
            if len(self.problems) > max_problems:
                lines.append(f'    ... {len(self.problems) - max_problems} more: emoflow query "SELECT * FROM errors"')
        return "\n".join(lines)


def dataset_name(corpus: Path | str) -> str:
    """The default dataset name: the corpus folder's name (a manifest file's folder), made store-safe."""
    path = Path(corpus).resolve()
    name = (path if path.is_dir() else path.parent).name.lower()
    return re.sub(r"[^a-z0-9_.+-]", "-", name).strip("-._+") or "corpus"


def ingest_corpus(
    corpus: Path | str,
    dataset: str,
    store: FeatureStore,
    *,
    layout: str = "auto",
    strict: bool = False,
    progress: bool = True,
    labels: Sequence[str] | None = None,
    **options: Any,
) -> IngestReport:
    """Ingest the corpus at ``corpus`` as ``dataset``; a corpus identical to the stored one writes nothing.

    Problem rows are recorded in ``errors/`` and the good rows ingested; with ``strict`` any problem raises
    :class:`IngestError` before anything is written. ``labels`` declares the label set (rows with another label
    are refused); ``options`` go to the layout's reader.
    """
    raw = read_corpus(Path(corpus), layout, **options)
    return ingest_raw_corpus(
        raw, Path(corpus), dataset, store, strict=strict, progress=progress, options=options, labels=labels
    )


def ingest_raw_corpus(
    raw: RawCorpus,
    corpus: Path,
    dataset: str,
    store: FeatureStore,
    *,
    strict: bool = False,
    progress: bool = True,
    options: Mapping[str, Any] | None = None,
    problems: Sequence[RowProblem] = (),
    labels: Sequence[str] | None = None,
) -> IngestReport:
    """Validate and write the rows a reader produced from ``corpus``; ``problems`` the reader found join them.

    The shared second half of every layout's ingestion: what :func:`ingest_corpus` does after reading.
    """
    checked = validate_corpus(raw, labels)
    checked.problems[:0] = problems
    if strict and checked.problems:
        raise IngestError(checked.problems)

    store.sweep_leftovers()
    digests = FileDigests(store.cache_dir("file-digests"))
    rows = checked.rows
    with_media = any(r["video_path"] or r["audio_path"] for r in rows)
    for row in tqdm(rows, desc=f"hashing {dataset}", unit="utt", disable=not (progress and with_media)):
        row["content_hash"] = utterance_hash(
            row["text"],
            digests(row["video_path"]) if row["video_path"] else None,
            digests(row["audio_path"]) if row["audio_path"] else None,
            row["start_s"],
            row["end_s"],
        )
    digests.save()

    table = pa.Table.from_pylist(rows, schema=UTTERANCES)
    reasons = pa.table({"reason": [p.reason for p in checked.problems]})
    fingerprint = table_fingerprint(table) + table_fingerprint(reasons)
    unchanged = store.utterances_lineage(dataset).get("fingerprint") == fingerprint
    if not unchanged:
        # Errors first, utterances last: the utterances file carries the fingerprint, so a crash in between
        # leaves a store that the next ingestion sees as changed and rewrites whole.
        store.replace_errors(
            dataset,
            "ingest",
            ERRORS_KEY,
            [ErrorRecord(p.utterance_id, p.reason, p.input_path) for p in checked.problems],
        )
        lineage = make_lineage(
            "ingest",
            corpus=str(Path(corpus).resolve()),
            layout=raw.layout,
            files=[str(f) for f in raw.files],
            options=dict(options or {}),
            labels=list(labels) if labels is not None else None,
            fingerprint=fingerprint,
        )
        store.write_utterances(dataset, table, lineage)

    return IngestReport(
        dataset=dataset,
        layout=raw.layout,
        corpus=Path(corpus),
        rows_read=len(raw.rows),
        rows_ingested=len(rows),
        unchanged=unchanged,
        problems=checked.problems,
        utterances_per_split=dict(Counter(r["split"] or "unsplit" for r in rows)),
        dialogues_per_split=dialogues_per_split(rows),
        labels=dict(Counter(r["label"] for r in rows if r["label"])),
    )


def dialogues_per_split(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How many dialogues each split holds (``unsplit`` for rows without one), from utterance rows."""
    dialogues: dict[str, set[str]] = {}
    for row in rows:
        dialogues.setdefault(row["split"] or "unsplit", set()).add(row["dialogue_id"])
    return {s: len(d) for s, d in dialogues.items()}


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"
