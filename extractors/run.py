"""Running an extractor over a dataset of the store: read utterances, extract in chunks, write parts and errors.

A feature table is written as parts, one per chunk of whole dialogues (``part-00000.parquet``, ...). A part is
up to date when its lineage holds the same input fingerprint (the extractor id and every input utterance's
content hash in the chunk, plus labels for trained extractors); then the chunk is not recomputed. Extractors
that train on the labels (the audio encoder, text fine-tuning) see the whole dataset as one chunk. Failed
utterances are recorded in ``errors/`` under stage ``extract-<modality>``, one key per part; the others are
written. Utterances without an input for the modality (no text, no media) are left out, not failed.

:func:`extract_features` runs the chunks one after the other; the ``extract-features`` flow submits
:func:`extract_chunk` per chunk as tasks and closes with :func:`finish_extraction`.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from emoflow.core.out_of_memory import halve_batch_on_oom
from emoflow.core.time_limit import Deadline
from emoflow.extractors.base import Extraction, Extractor, UtteranceInput
from emoflow.extractors.segments import discard_segments, extract_in_segments, remove_segments
from emoflow.storage.hashing import json_digest
from emoflow.storage.lineage import make_lineage
from emoflow.storage.parquet_io import parquet_files, read_lineage
from emoflow.storage.store import FeatureStore

DEFAULT_CHUNK_SIZE = 1000


@dataclass(frozen=True)
class Chunk:
    """Whole dialogues extracted together into one part of the feature table."""

    part: str
    rows: tuple[UtteranceInput, ...]
    fingerprint: str


@dataclass(frozen=True)
class ChunkReport:
    """What extracting one chunk did."""

    part: str
    inputs: int
    written: int
    failed: int
    up_to_date: bool
    path: Path | None
    seconds: float
    error_reasons: dict[str, int]
    resumed: int = 0


@dataclass(frozen=True)
class ExtractReport:
    """What one extraction did, over all its chunks."""

    dataset: str
    modality: str
    extractor_id: str
    inputs: int
    written: int
    failed: int
    without_input: int
    up_to_date: bool
    path: Path
    seconds: float
    error_reasons: dict[str, int]
    chunks: int = 1
    chunks_extracted: int = 0
    resumed: int = 0

    @classmethod
    def combine(
        cls, store: FeatureStore, dataset: str, extractor: Extractor, without_input: int, reports: Sequence[ChunkReport]
    ) -> ExtractReport:
        """The report of an extraction made of ``reports``, one per chunk."""
        reasons: Counter[str] = Counter()
        for report in reports:
            reasons.update(report.error_reasons)
        done = [r for r in reports if not r.up_to_date]
        return cls(
            dataset=dataset,
            modality=extractor.modality,
            extractor_id=extractor.extractor_id,
            inputs=sum(r.inputs for r in reports),
            written=sum(r.written for r in done),
            failed=sum(r.failed for r in done),
            without_input=without_input,
            up_to_date=not done,
            path=store.features_dir(dataset, extractor.modality, extractor.extractor_id),
            seconds=sum(r.seconds for r in reports),
            error_reasons=dict(reasons.most_common()),
            chunks=len(reports),
            chunks_extracted=len(done),
            resumed=sum(r.resumed for r in done),
        )

    def summary(self) -> str:
        """One paragraph for the terminal."""
        head = f"{self.dataset}/{self.modality}/{self.extractor_id}: "
        if self.up_to_date:
            return head + f"up to date ({self.inputs} utterances unchanged), nothing extracted"
        kept = self.chunks - self.chunks_extracted
        count = f"{self.written}" if kept else f"{self.written} of {self.inputs}"
        lines = [
            head
            + f"{count} utterances extracted in {self.seconds:.1f} s"
            + (f" ({self.chunks_extracted} of {self.chunks} chunks; {kept} up to date)" if kept else "")
            + (f" ({self.resumed} read back from an interrupted run)" if self.resumed else "")
            + (f", {self.failed} failed (recorded in errors)" if self.failed else "")
            + (f"; {self.without_input} have no {self.modality} input" if self.without_input else "")
        ]
        lines += [f"  {count} x {reason}" for reason, count in self.error_reasons.items()]
        return "\n".join(lines)


def utterance_inputs(table: pa.Table) -> list[UtteranceInput]:
    """The store's utterance rows as extractor inputs, in dialogue and turn order."""
    names = {f.name for f in dataclasses.fields(UtteranceInput)}
    rows = [UtteranceInput(**{k: v for k, v in row.items() if k in names}) for row in table.to_pylist()]
    return sorted(rows, key=lambda r: (r.dialogue_id, r.turn))


def inputs_fingerprint(extractor: Extractor, rows: Sequence[UtteranceInput]) -> str:
    """Hash of the extractor id and its inputs (labels and splits too when the extractor trains on them)."""
    keys: list[tuple[str | None, ...]]
    if extractor.uses_labels:
        keys = sorted((r.utterance_id, r.content_hash, r.label, r.split) for r in rows)
    else:
        keys = sorted((r.utterance_id, r.content_hash) for r in rows)
    return json_digest([extractor.extractor_id, keys])


def plan_chunks(
    store: FeatureStore, dataset: str, extractor: Extractor, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> tuple[list[Chunk], int]:
    """The chunks of ``dataset`` for ``extractor`` and how many utterances have no input for its modality.

    Chunks hold whole dialogues in dialogue order and about ``chunk_size`` utterances each; a trained extractor
    gets one chunk. Unchanged dialogues keep their chunk (and its cached part) while no dialogue before them is
    added or removed.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    store.sweep_leftovers()
    rows = utterance_inputs(store.read_utterances(dataset))
    wanted = [r for r in rows if extractor.wants(r)]
    groups: list[list[UtteranceInput]] = []
    for row in wanted:
        starts_dialogue = not groups or groups[-1][-1].dialogue_id != row.dialogue_id
        if not groups or (starts_dialogue and len(groups[-1]) >= chunk_size and not extractor.uses_labels):
            groups.append([])
        groups[-1].append(row)
    chunks = [Chunk(f"part-{i:05d}", tuple(g), inputs_fingerprint(extractor, g)) for i, g in enumerate(groups)]
    return chunks, len(rows) - len(wanted)


def chunk_is_current(store: FeatureStore, dataset: str, extractor: Extractor, chunk: Chunk) -> bool:
    """Whether the chunk's part is stored from the same inputs (a chunk whose every input failed never is)."""
    folder = store.features_dir(dataset, extractor.modality, extractor.extractor_id)
    part = folder / f"{chunk.part}.parquet"
    return part.is_file() and read_lineage(part).get("inputs_fingerprint") == chunk.fingerprint


def extract_chunk(
    store: FeatureStore,
    dataset: str,
    extractor: Extractor,
    chunk: Chunk,
    *,
    refresh: bool = False,
    progress: bool = True,
    deadline: Deadline | None = None,
) -> ChunkReport:
    """Extract one chunk into its part of the feature table and its errors (unless the part is current).

    ``deadline`` is checked between the chunk's committed segments (:mod:`extractors.segments`).
    """
    started = time.perf_counter()
    if not refresh and chunk_is_current(store, dataset, extractor, chunk):
        return ChunkReport(chunk.part, len(chunk.rows), 0, 0, True, _part_path(store, dataset, extractor, chunk), 0, {})

    def attempt(batch_size: int) -> tuple[Extraction, int]:
        sized = (
            extractor
            if batch_size == batch
            else type(extractor)(dataclasses.replace(extractor.config, batch_size=batch_size))
        )
        return extract_in_segments(
            store, dataset, sized, chunk.rows, chunk.fingerprint, progress=progress, deadline=deadline
        )

    batch = getattr(extractor.config, "batch_size", 0)
    extraction, resumed = halve_batch_on_oom(attempt, batch, f"{extractor.extractor_id} {chunk.part}")
    dialogue_of = {r.utterance_id: r.dialogue_id for r in chunk.rows}
    path = None
    if extraction.utterance_ids:
        lineage = make_lineage(
            "extract",
            extractor=extractor.name,
            config=dataclasses.asdict(extractor.config),
            inputs_fingerprint=chunk.fingerprint,
            inputs=len(chunk.rows),
            failed=len(extraction.errors),
            details=extraction.details,
        )
        path = store.write_features(
            dataset,
            extractor.modality,
            extractor.extractor_id,
            extraction.utterance_ids,
            [dialogue_of[u] for u in extraction.utterance_ids],
            extraction.vectors,
            lineage,
            frames=extraction.frames,
            part=chunk.part,
        )
    else:
        _part_path(store, dataset, extractor, chunk).unlink(missing_ok=True)
    store.replace_errors(dataset, _errors_stage(extractor), _errors_key(extractor, chunk.part), extraction.errors)
    discard_segments(store, dataset, extractor, chunk.fingerprint)
    reasons = Counter(_reason_kind(e.reason) for e in extraction.errors)
    return ChunkReport(
        chunk.part,
        len(chunk.rows),
        len(extraction.utterance_ids),
        len(extraction.errors),
        False,
        path,
        time.perf_counter() - started,
        dict(reasons.most_common()),
        resumed,
    )


def finish_extraction(store: FeatureStore, dataset: str, extractor: Extractor, chunks: Sequence[Chunk]) -> None:
    """Remove the parts, error records and committed segments of chunks that no longer exist (dataset changed)."""
    folder = store.features_dir(dataset, extractor.modality, extractor.extractor_id)
    current = {c.part for c in chunks}
    for path in parquet_files(folder):
        if path.stem not in current:
            path.unlink()
    keys = {f"{_errors_stage(extractor)}-{_errors_key(extractor, part)}.parquet" for part in current}
    for path in store.errors_dir(dataset).glob(f"{_errors_stage(extractor)}-{extractor.extractor_id}*.parquet"):
        if path.name not in keys:
            path.unlink()
    remove_segments(store, dataset, extractor, keep=[c.fingerprint for c in chunks])


def extract_features(
    store: FeatureStore,
    dataset: str,
    extractor: Extractor,
    *,
    refresh: bool = False,
    progress: bool = True,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> ExtractReport:
    """Extract ``extractor``'s features for every utterance of ``dataset`` that has an input for its modality."""
    chunks, without_input = plan_chunks(store, dataset, extractor, chunk_size)
    reports = [extract_chunk(store, dataset, extractor, c, refresh=refresh, progress=progress) for c in chunks]
    finish_extraction(store, dataset, extractor, chunks)
    return ExtractReport.combine(store, dataset, extractor, without_input, reports)


def _part_path(store: FeatureStore, dataset: str, extractor: Extractor, chunk: Chunk) -> Path:
    return store.features_dir(dataset, extractor.modality, extractor.extractor_id) / f"{chunk.part}.parquet"


def _errors_stage(extractor: Extractor) -> str:
    return f"extract-{extractor.modality}"


def _errors_key(extractor: Extractor, part: str) -> str:
    return f"{extractor.extractor_id}.{part}"


def _reason_kind(reason: str) -> str:
    """The reason without the file name in front, so that the summary groups alike failures."""
    head, sep, tail = reason.partition(": ")
    return tail if sep and ("/" in head or "." in head) else reason
