"""The feature store: a folder of Hive-partitioned Parquet tables, read and written only through this class.

Layout (see ``docs/feature-store.md``)::

    utterances/dataset=<d>/part-0.parquet
    features/dataset=<d>/modality=<m>/extractor=<id>/<part>.parquet
    transcripts/dataset=<d>/part-0.parquet
    errors/dataset=<d>/<stage>-<key>.parquet
    predictions/run=<run id>/part-0.parquet
    runs/<run id>/...
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from emoflow.storage.atomic import sweep_leftovers
from emoflow.storage.hashing import json_digest
from emoflow.storage.parquet_io import parquet_files, read_lineage, read_parts, write_table_atomic
from emoflow.storage.schema import (
    ERRORS,
    FEATURES,
    MODALITIES,
    PREDICTIONS,
    PURPOSES,
    TRANSCRIPTS,
    UTTERANCES,
    feature_schema,
)

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")


@dataclass(frozen=True)
class ErrorRecord:
    """One failure of one utterance at one stage, as stored in ``errors/``."""

    utterance_id: str | None
    reason: str
    input_path: str | None = None
    extractor: str | None = None


@dataclass(frozen=True)
class FeatureSet:
    """One stored feature table: where it belongs, its vector size, row count and lineage."""

    dataset: str
    modality: str
    extractor: str
    dim: int
    rows: int
    lineage: dict[str, Any]


@dataclass(frozen=True)
class FeatureTable:
    """Features read back: utterance ids (with their dialogues) and one float32 row per utterance."""

    utterance_ids: list[str]
    dialogue_ids: list[str]
    vectors: np.ndarray


EMPTY_PART = "part-empty.parquet"
EMPTY_TABLES = {"features": FEATURES, "transcripts": TRANSCRIPTS, "errors": ERRORS, "predictions": PREDICTIONS}
"""The tables a new store holds as an empty typed part, so that they open before anything is written to them."""


class FeatureStore:
    """Reads and writes every table of the store rooted at ``root`` (created on first write)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"FeatureStore({str(self.root)!r})"

    # -- paths -----------------------------------------------------------------------------------------------
    def utterances_dir(self, dataset: str) -> Path:
        """Folder of a dataset's utterances."""
        return self.root / "utterances" / f"dataset={check_name('dataset', dataset)}"

    def utterances_path(self, dataset: str) -> Path:
        """The file of a dataset's utterances."""
        return self.utterances_dir(dataset) / "part-0.parquet"

    def features_dir(self, dataset: str, modality: str, extractor: str) -> Path:
        """Folder of one feature table."""
        if modality not in MODALITIES:
            raise ValueError(f"unknown modality {modality!r}; valid modalities: {', '.join(MODALITIES)}")
        return (
            self.root
            / "features"
            / f"dataset={check_name('dataset', dataset)}"
            / f"modality={modality}"
            / f"extractor={check_name('extractor id', extractor)}"
        )

    def errors_dir(self, dataset: str) -> Path:
        """Folder of a dataset's errors."""
        return self.root / "errors" / f"dataset={check_name('dataset', dataset)}"

    def predictions_dir(self, run_id: str) -> Path:
        """Folder of one run's predictions."""
        return self.root / "predictions" / f"run={check_name('run id', run_id)}"

    def predictions_path(self, run_id: str, dataset: str, purpose: str = "evaluation") -> Path:
        """The file of one run's predictions for ``dataset``: ``evaluation`` (its own val/test) or ``prediction``."""
        if purpose not in PURPOSES:
            raise ValueError(f"prediction purpose must be one of {', '.join(PURPOSES)}, got {purpose!r}")
        return self.predictions_dir(run_id) / f"{purpose}-{check_name('dataset', dataset)}.parquet"

    def run_dir(self, run_id: str) -> Path:
        """Folder of one run's config, checkpoint, metrics and plots."""
        return self.root / "runs" / check_name("run id", run_id)

    def cache_dir(self, name: str) -> Path:
        """Private bookkeeping of the store (not a queryable table)."""
        return self.root / "_cache" / check_name("cache", name)

    def sweep_leftovers(self) -> list[Path]:
        """Remove the temporaries killed writers left in the store (:mod:`storage.atomic`); returns them."""
        return sweep_leftovers(self.root)

    # -- utterances ------------------------------------------------------------------------------------------
    def datasets(self) -> list[str]:
        """Names of the ingested datasets."""
        return sorted(p.name.split("=", 1)[1] for p in (self.root / "utterances").glob("dataset=*") if p.is_dir())

    def write_utterances(self, dataset: str, table: pa.Table, lineage: dict[str, Any]) -> Path:
        """Replace the dataset's utterances, atomically (a new store gets its empty typed tables first)."""
        self.write_empty_tables()
        table = table.cast(UTTERANCES)
        return write_table_atomic(table, self.utterances_path(dataset), lineage)

    def write_empty_tables(self) -> None:
        """Give each table with no part yet an empty typed part (``<table>/part-empty.parquet``).

        Any Parquet reader then opens ``errors/`` of a store without errors as an empty table with its columns,
        rather than failing on a missing folder. The first partition written removes it (:meth:`_written`), so
        that a table never mixes a file outside the partitions with partitioned ones (DuckDB's
        ``read_parquet('features/**/*.parquet', hive_partitioning = true)`` refuses that).
        """
        for name, schema in EMPTY_TABLES.items():
            folder = self.root / name
            if not any(p.is_dir() and "=" in p.name for p in folder.glob("*")) and not (folder / EMPTY_PART).is_file():
                write_table_atomic(schema.empty_table(), folder / EMPTY_PART)

    def _written(self, path: Path) -> Path:
        """``path``, a part just written into a partition of its table: the table's empty part goes."""
        table = path.relative_to(self.root).parts[0]
        (self.root / table / EMPTY_PART).unlink(missing_ok=True)
        return path

    def read_utterances(self, dataset: str) -> pa.Table:
        """The dataset's utterances; an error naming the known datasets when it was never ingested."""
        folder = self.utterances_dir(dataset)
        if not parquet_files(folder):
            known = ", ".join(self.datasets()) or "none yet"
            raise KeyError(f"dataset {dataset!r} is not in the store {self.root} (ingested: {known})")
        return read_parts(folder, UTTERANCES)

    def utterances_lineage(self, dataset: str) -> dict[str, Any]:
        """Lineage of the dataset's utterances (empty when it was never ingested)."""
        files = parquet_files(self.utterances_dir(dataset))
        return read_lineage(files[0]) if files else {}

    # -- transcripts of long recordings ------------------------------------------------------------------------
    def transcripts_path(self, dataset: str) -> Path:
        """The file of the dataset's transcripts table (datasets from the ``recordings`` layout have one)."""
        return self.root / "transcripts" / f"dataset={check_name('dataset', dataset)}" / "part-0.parquet"

    def write_transcripts(self, dataset: str, table: pa.Table, lineage: dict[str, Any]) -> Path:
        """Replace the dataset's transcripts, atomically."""
        return self._written(write_table_atomic(table.cast(TRANSCRIPTS), self.transcripts_path(dataset), lineage))

    def read_transcripts(self, dataset: str) -> pa.Table:
        """The dataset's transcripts (empty when it has none)."""
        return read_parts(self.transcripts_path(dataset).parent, TRANSCRIPTS)

    # -- errors ----------------------------------------------------------------------------------------------
    def replace_errors(self, dataset: str, stage: str, key: str, records: Sequence[ErrorRecord]) -> Path | None:
        """Make ``records`` the errors of (``stage``, ``key``), replacing what that pair recorded before.

        Errors of other stages and keys are untouched. No records removes the pair's file.
        """
        path = self.errors_dir(dataset) / f"{check_name('stage', stage)}-{check_name('key', key)}.parquet"
        if not records:
            path.unlink(missing_ok=True)
            return None
        now = datetime.now(UTC)
        rows = [
            {
                "utterance_id": r.utterance_id,
                "stage": stage,
                "extractor": r.extractor,
                "reason": r.reason,
                "input_path": r.input_path,
                "created_at": now,
            }
            for r in records
        ]
        return self._written(write_table_atomic(pa.Table.from_pylist(rows, schema=ERRORS), path))

    def read_errors(self, dataset: str) -> pa.Table:
        """Every error recorded for ``dataset``."""
        return read_parts(self.errors_dir(dataset), ERRORS)

    # -- features --------------------------------------------------------------------------------------------
    def write_features(
        self,
        dataset: str,
        modality: str,
        extractor: str,
        utterance_ids: Sequence[str],
        dialogue_ids: Sequence[str],
        vectors: np.ndarray,
        lineage: dict[str, Any],
        *,
        frames: Sequence[np.ndarray | None] | None = None,
        part: str = "part-0",
    ) -> Path:
        """Write one part of a feature table; writing the same ``part`` again replaces it atomically.

        ``vectors`` is ``[n, dim]``; ``frames``, when given, holds one ``[t, dim]`` array (or ``None``) per row.
        """
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(utterance_ids) or len(dialogue_ids) != len(utterance_ids):
            raise ValueError(
                f"expected vectors [n, dim] with n = {len(utterance_ids)} utterance ids and dialogue ids; "
                f"got {vectors.shape} and {len(dialogue_ids)} dialogue ids"
            )
        if not np.isfinite(vectors).all():
            raise ValueError(f"feature vectors for {dataset}/{modality}/{extractor} hold NaN or infinity")
        dim = vectors.shape[1]
        schema = feature_schema(dim, with_frames=frames is not None)
        columns: dict[str, Any] = {
            "utterance_id": pa.array(utterance_ids, pa.string()),
            "dialogue_id": pa.array(dialogue_ids, pa.string()),
            "vector": pa.ListArray.from_arrays(
                pa.array(np.arange(len(vectors) + 1, dtype=np.int32) * dim), pa.array(vectors.reshape(-1))
            ),
        }
        if frames is not None:
            columns["frames"] = pa.array(
                [None if f is None else np.asarray(f, np.float32).tolist() for f in frames],
                schema.field("frames").type,
            )
        table = pa.table(columns, schema=schema)
        lineage = {**lineage, "dataset": dataset, "modality": modality, "extractor_id": extractor, "dim": dim}
        folder = self.features_dir(dataset, modality, extractor)
        return self._written(write_table_atomic(table, folder / f"{check_name('part', part)}.parquet", lineage))

    def read_features(self, dataset: str, modality: str, extractor: str) -> FeatureTable:
        """All parts of one feature table, as ids and a ``[n, dim]`` float32 array."""
        files = parquet_files(self.features_dir(dataset, modality, extractor))
        if not files:
            known = [f"{s.modality}/{s.extractor}" for s in self.feature_sets(dataset)]
            raise KeyError(
                f"no {modality} features from extractor {extractor!r} for dataset {dataset!r} "
                f"(stored: {', '.join(known) or 'none'})"
            )
        columns = pa.schema([FEATURES.field(name) for name in ("utterance_id", "dialogue_id", "vector")])
        table = pa.concat_tables(  # parts of older stores hold fixed-size lists: the same values
            pq.read_table(f, columns=columns.names).cast(columns) for f in files
        )
        vector = table.column("vector").combine_chunks()
        lengths = pc.list_value_length(vector)
        dim = pc.max(lengths).as_py() or 0
        if pc.min(lengths).as_py() != dim:
            raise ValueError(f"feature table {dataset}/{modality}/{extractor} holds vectors of different sizes")
        values = pc.list_flatten(vector).to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
        return FeatureTable(
            utterance_ids=table.column("utterance_id").to_pylist(),
            dialogue_ids=table.column("dialogue_id").to_pylist(),
            vectors=values.reshape(len(table), dim),
        )

    def has_features(self, dataset: str, modality: str, extractor: str) -> bool:
        """Whether the store holds at least one part of that feature table."""
        return bool(parquet_files(self.features_dir(dataset, modality, extractor)))

    def feature_lineage(self, dataset: str, modality: str, extractor: str) -> dict[str, Any]:
        """The lineage of a feature table's first part: extractor name, full config, details (empty when absent)."""
        parts = parquet_files(self.features_dir(dataset, modality, extractor))
        return read_lineage(parts[0]) if parts else {}

    def features_fingerprint(self, dataset: str, modality: str, extractor: str) -> str | None:
        """What a feature table was computed from: its parts' input fingerprints combined (None when absent)."""
        parts = parquet_files(self.features_dir(dataset, modality, extractor))
        if not parts:
            return None
        keys = [[p.name, read_lineage(p).get("inputs_fingerprint")] for p in parts]
        return json_digest(keys)

    def feature_sets(self, dataset: str | None = None) -> list[FeatureSet]:
        """What feature tables the store holds (for one dataset, or all)."""
        pattern = f"dataset={dataset}" if dataset else "dataset=*"
        found = []
        for folder in sorted((self.root / "features").glob(f"{pattern}/modality=*/extractor=*")):
            files = parquet_files(folder)
            if not files:
                continue
            names = {p.name.split("=", 1)[0]: p.name.split("=", 1)[1] for p in (folder, *folder.parents[:2])}
            rows = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
            lineage = read_lineage(files[0])
            vector_type = pq.read_schema(files[0]).field("vector").type
            found.append(
                FeatureSet(
                    dataset=names["dataset"],
                    modality=names["modality"],
                    extractor=names["extractor"],
                    dim=int(lineage.get("dim") or vector_type.list_size),  # older stores: a fixed-size list
                    rows=rows,
                    lineage=lineage,
                )
            )
        return found

    # -- predictions -----------------------------------------------------------------------------------------
    def write_predictions(
        self, run_id: str, dataset: str, purpose: str, table: pa.Table, lineage: dict[str, Any]
    ) -> Path:
        """Write (replace) one run's predictions for ``dataset`` and ``purpose`` (see :meth:`predictions_path`)."""
        path = self.predictions_path(run_id, dataset, purpose)
        legacy = self.predictions_dir(run_id) / "part-0.parquet"  # stores written before datasets had their files
        legacy.unlink(missing_ok=True)
        return self._written(write_table_atomic(table.cast(PREDICTIONS), path, lineage))


def check_name(kind: str, value: str) -> str:
    """``value`` when it is safe as a folder name (letters, digits, ``_.+-``), else a clear error."""
    if not isinstance(value, str) or not _NAME.match(value):
        raise ValueError(f"invalid {kind} {value!r}: use letters, digits and _ . + - (starting with a letter or digit)")
    return value
