"""The generic corpus manifest: CSV or Parquet, one row per utterance (columns in ``docs/ingestion.md``)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from emoflow.storage.corpora.rows import MANIFEST_COLUMNS, REQUIRED_COLUMNS, RawCorpus, RawRow, RawValue
from emoflow.storage.corpora.text_files import read_csv_records

MANIFEST_NAMES = ("manifest.csv", "manifest.parquet")


class ManifestError(ValueError):
    """The manifest as a whole cannot be read (missing file, missing required columns)."""


def find_manifest(path: Path) -> Path | None:
    """``path`` itself when it is a manifest file, else the manifest inside the folder ``path``."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() in (".csv", ".parquet"):
        return path
    for name in MANIFEST_NAMES:
        if (path / name).is_file():
            return path / name
    return None


def read_manifest(path: Path) -> RawCorpus:
    """Read a manifest file (or a folder holding ``manifest.csv``/``manifest.parquet``); paths are relative to it."""
    manifest = find_manifest(path)
    if manifest is None:
        raise ManifestError(f"{path}: no manifest found (expected a .csv or .parquet file, or {MANIFEST_NAMES})")
    records: list[tuple[str, dict[str, RawValue]]]
    if manifest.suffix.lower() == ".parquet":
        records = _parquet_records(manifest)
    else:
        records = [(f"line {n}", dict[str, RawValue](r)) for n, r in read_csv_records(manifest)]
    columns = set(records[0][1]) if records else set()
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if records and missing:
        raise ManifestError(f"{manifest}: missing required column(s) {', '.join(missing)}; found {sorted(columns)}")
    corpus = RawCorpus(root=manifest.parent, layout="manifest", files=[manifest])
    for where, record in records:
        values = {c: _empty_to_none(record.get(c)) for c in MANIFEST_COLUMNS}
        corpus.rows.append(RawRow(values=values, file=manifest.name, where=where))
    return corpus


def _parquet_records(path: Path) -> list[tuple[str, dict[str, RawValue]]]:
    table = pq.read_table(path)
    records: list[tuple[str, dict[str, RawValue]]] = []
    for index, record in enumerate(table.to_pylist()):
        decoded = {
            k: v.decode("utf-8", errors="surrogateescape") if isinstance(v, bytes) else v for k, v in record.items()
        }
        records.append((f"row {index}", decoded))
    return records


def _empty_to_none(value: RawValue) -> RawValue:
    if isinstance(value, str) and not value.strip():
        return None
    return value
