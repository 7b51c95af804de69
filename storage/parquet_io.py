"""Atomic Parquet writes and metadata reads: the only place the store touches Parquet files directly.

A table is written to a hidden temporary file beside its target and renamed into place, so a reader (DuckDB,
pyarrow datasets, another process) sees either the old file or the new one, never a half-written part.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from emoflow.storage.atomic import atomic_path

COMPRESSION = "zstd"
LINEAGE_KEY = b"emoflow.lineage"


def write_table_atomic(table: pa.Table, path: Path, lineage: dict[str, Any] | None = None) -> Path:
    """Write ``table`` to ``path`` (zstd Parquet) through a temporary file and an atomic rename.

    ``lineage`` is stored as JSON in the file's key-value metadata under ``emoflow.lineage``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if lineage is not None:
        metadata = dict(table.schema.metadata or {})
        metadata[LINEAGE_KEY] = json.dumps(lineage, sort_keys=True, default=str).encode()
        table = table.replace_schema_metadata(metadata)
    with atomic_path(path) as temporary:
        pq.write_table(table, temporary, compression=COMPRESSION)
    return path


def read_lineage(path: Path) -> dict[str, Any]:
    """The lineage stored in a Parquet file's metadata (empty when it has none)."""
    metadata = pq.read_schema(path).metadata or {}
    raw = metadata.get(LINEAGE_KEY)
    return json.loads(raw) if raw else {}


def parquet_files(folder: Path) -> list[Path]:
    """The visible Parquet parts of a partition folder, sorted (temporary files are hidden and skipped)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.parquet") if not p.name.startswith((".", "_")))


def read_parts(folder: Path, schema: pa.Schema) -> pa.Table:
    """Concatenate the parts of one partition folder; an absent folder reads as an empty table."""
    parts = [pq.read_table(p, schema=schema) for p in parquet_files(folder)]
    if not parts:
        return schema.empty_table()
    return pa.concat_tables(parts).replace_schema_metadata(None)
