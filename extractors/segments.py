"""Resuming inside a chunk: its dialogues are extracted in segments, each committed to disk as it finishes.

A chunk (up to ``chunk_size`` utterances, one part of the feature table) is extracted segment by segment: whole
dialogues, at least :data:`SEGMENT_UTTERANCES` utterances or sixteen of the extractor's batches (a segment must be
long enough for length-bucketed batches and a model load per segment to cost little: ``make bench``). Each finished
segment (its vectors, frames, errors and lineage details) is written atomically to
``<store>/_cache/segments/<dataset>/<extractor id>/<chunk fingerprint>/``. A killed extraction keeps the
segments already written; the next run of the same chunk (same extractor id, same inputs, so the same
fingerprints) reads them back and extracts only the rest, so a kill costs at most one segment. The folder is
removed once the chunk's part is written.

Segments are Parquet files holding numbers and JSON metadata only: reading one back runs no code. Extractors
that train on the labels see the whole chunk at once (their training needs it); their trained weights are a
cached stage of their own (``_cache/trained``), so a kill while they encode costs the encoding, not the training.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from emoflow.core.time_limit import Deadline
from emoflow.extractors.base import Extraction, Extractor, UtteranceInput
from emoflow.storage.hashing import json_digest
from emoflow.storage.parquet_io import read_lineage, write_table_atomic
from emoflow.storage.store import ErrorRecord, FeatureStore

SEGMENT_UTTERANCES = 256
"""Utterances per committed segment, at least (whole dialogues; raised to sixteen batches for large batches)."""

SEGMENT_SCHEMA = pa.schema(
    [
        ("utterance_id", pa.string()),
        ("vector", pa.list_(pa.float32())),
        ("frames", pa.list_(pa.float32())),
        ("frames_shape", pa.list_(pa.int32())),
    ]
)


def segment_rows(extractor: Extractor, rows: Sequence[UtteranceInput]) -> list[list[UtteranceInput]]:
    """``rows`` (in dialogue order) cut into segments of whole dialogues; one segment for a trained stage."""
    if extractor.uses_labels:
        return [list(rows)] if rows else []
    size = max(SEGMENT_UTTERANCES, 16 * int(getattr(extractor.config, "batch_size", 1)))
    segments: list[list[UtteranceInput]] = []
    for row in rows:
        starts_dialogue = not segments or segments[-1][-1].dialogue_id != row.dialogue_id
        if not segments or (starts_dialogue and len(segments[-1]) >= size):
            segments.append([])
        segments[-1].append(row)
    return segments


def segments_dir(store: FeatureStore, dataset: str, extractor: Extractor) -> Path:
    """The staging folder of ``extractor``'s unfinished chunks in ``dataset``."""
    return store.cache_dir("segments") / dataset / extractor.extractor_id


def extract_in_segments(
    store: FeatureStore,
    dataset: str,
    extractor: Extractor,
    rows: Sequence[UtteranceInput],
    chunk_fingerprint: str,
    *,
    progress: bool = True,
    deadline: Deadline | None = None,
) -> tuple[Extraction, int]:
    """``extractor`` over ``rows``, committing each segment as it finishes.

    Returns the whole extraction and how many utterances were read back from segments that an earlier,
    interrupted run had committed. ``deadline`` is checked before each segment that is not committed yet.
    """
    cache_dir = store.cache_dir("trained") / extractor.name  # trained stages, keyed by their settings and data
    segments = segment_rows(extractor, rows)
    if len(segments) <= 1:
        return extractor.extract(list(rows), cache_dir=cache_dir, progress=progress), 0
    from tqdm.auto import tqdm

    folder = segments_dir(store, dataset, extractor) / chunk_fingerprint
    done, resumed = [], 0
    with tqdm(
        total=len(rows), desc=f"{extractor.modality} {extractor.extractor_id}", unit="utt", disable=not progress
    ) as bar:
        for index, segment in enumerate(segments):
            rows_digest = json_digest([(r.utterance_id, r.content_hash) for r in segment], digest_size=12)
            path = folder / f"{index:05d}-{rows_digest}.parquet"
            if path.is_file():
                extraction = read_segment(path)
                resumed += len(segment)
            else:
                if deadline is not None:
                    deadline.check(f"{extractor.extractor_id} in {dataset}", f"{index} of {len(segments)} segments")
                extraction = extractor.extract(segment, cache_dir=cache_dir, progress=False)
                write_segment(path, extraction)
            done.append(extraction)
            bar.update(len(segment))
    return combine_extractions(extractor, done), resumed


def discard_segments(store: FeatureStore, dataset: str, extractor: Extractor, chunk_fingerprint: str) -> None:
    """Remove one chunk's committed segments (its part is written)."""
    shutil.rmtree(segments_dir(store, dataset, extractor) / chunk_fingerprint, ignore_errors=True)


def remove_segments(store: FeatureStore, dataset: str, extractor: Extractor, keep: Sequence[str] = ()) -> None:
    """Remove the committed segments of ``extractor``'s chunks except those with a fingerprint in ``keep``."""
    folder = segments_dir(store, dataset, extractor)
    if folder.is_dir():
        for chunk in folder.iterdir():
            if chunk.name not in keep:
                shutil.rmtree(chunk, ignore_errors=True)
        if not any(folder.iterdir()):
            folder.rmdir()


def write_segment(path: Path, extraction: Extraction) -> None:
    """One finished segment, atomically: vectors and frames as columns, errors and details as JSON metadata."""
    n = len(extraction.utterance_ids)
    vectors = np.asarray(extraction.vectors, np.float32)
    dim = int(vectors.shape[1]) if vectors.ndim == 2 else 0
    frames = list(extraction.frames) if extraction.frames is not None else [None] * n
    present = [np.ravel(f).astype(np.float32) for f in frames if f is not None]
    columns = {
        "utterance_id": pa.array(extraction.utterance_ids, pa.string()),
        "vector": _rows_of(vectors.reshape(-1), [dim] * n),
        "frames": _rows_of(
            np.concatenate(present) if present else np.zeros(0, np.float32),
            [None if f is None else int(np.size(f)) for f in frames],
        ),
        "frames_shape": pa.array([None if f is None else list(np.shape(f)) for f in frames], pa.list_(pa.int32())),
    }
    table = pa.table(columns, schema=SEGMENT_SCHEMA)
    lineage = {
        "errors": [dataclasses.asdict(e) for e in extraction.errors],
        "details": extraction.details,
        "has_frames": extraction.frames is not None,
        "dim": dim,
    }
    write_table_atomic(table, path, lineage)


def _rows_of(values: np.ndarray, lengths: Sequence[int | None]) -> pa.Array:
    """A list<float32> column cutting ``values`` into rows of ``lengths`` (``None``: a null row), in bulk."""
    offsets = np.zeros(len(lengths) + 1, np.int32)
    np.cumsum([n or 0 for n in lengths], out=offsets[1:])
    mask = pa.array([n is None for n in lengths] + [False])
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(values, pa.float32()), mask=mask)


def read_segment(path: Path) -> Extraction:
    """A committed segment read back (plain numbers and JSON: nothing in it can run code)."""
    lineage = read_lineage(path)
    table = pq.read_table(path, schema=SEGMENT_SCHEMA)
    ids = table.column("utterance_id").to_pylist()
    flat = table.column("vector").combine_chunks().flatten().to_numpy()
    vectors = flat.astype(np.float32).reshape(len(ids), lineage["dim"])
    frames = None
    if lineage["has_frames"]:
        shapes = table.column("frames_shape").to_pylist()
        cells = table.column("frames").combine_chunks()
        frames = [
            None if shape is None else cells[i].values.to_numpy(zero_copy_only=False).astype(np.float32).reshape(shape)
            for i, shape in enumerate(shapes)
        ]
    errors = [ErrorRecord(**record) for record in lineage["errors"]]
    return Extraction(ids, vectors, frames=frames, errors=errors, details=lineage["details"])


def combine_extractions(extractor: Extractor, parts: Sequence[Extraction]) -> Extraction:
    """The segments' extractions as one: rows and errors in order, details by :meth:`Extractor.combine_details`."""
    ids = [u for p in parts for u in p.utterance_ids]
    with_rows = [np.asarray(p.vectors, np.float32) for p in parts if len(p.utterance_ids)]
    dim = with_rows[0].shape[1] if with_rows else 0
    vectors = np.concatenate(with_rows) if with_rows else np.zeros((0, dim), np.float32)
    frames = None
    if any(p.frames is not None for p in parts):
        frames = [f for p in parts for f in (p.frames if p.frames is not None else [None] * len(p.utterance_ids))]
    errors = [e for p in parts for e in p.errors]
    details = extractor.combine_details([p.details for p in parts])
    return Extraction(ids, vectors, frames=frames, errors=errors, details=details)
