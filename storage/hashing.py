"""Content hashes: of media files (cached by path, size and mtime) and of each utterance's inputs.

Later stages key their caches on :func:`utterance_hash`, so an utterance is re-extracted exactly when its text,
its media bytes or its segment change.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa

from emoflow.storage.parquet_io import read_parts, write_table_atomic

_CHUNK = 1 << 20
DIGEST_CACHE_SCHEMA = pa.schema(
    [("path", pa.string()), ("size", pa.int64()), ("mtime_ns", pa.int64()), ("digest", pa.string())]
)


def json_digest(value: Any, digest_size: int = 16) -> str:
    """BLAKE2b hex digest of ``value`` as JSON (keys sorted, non-JSON values as their ``str``)."""
    payload = json.dumps(value, sort_keys=True, default=str)
    return hashlib.blake2b(payload.encode(), digest_size=digest_size).hexdigest()


def file_digest(path: Path) -> str:
    """BLAKE2b-128 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class FileDigests:
    """File digests, remembered across runs in a small Parquet table keyed by (path, size, mtime).

    A corpus whose media did not change is re-hashed without reading a byte of media.
    """

    def __init__(self, cache_folder: Path | None = None) -> None:
        self._folder = cache_folder
        self._known: dict[tuple[str, int, int], str] = {}
        self._dirty = False
        if cache_folder is not None:
            for row in read_parts(cache_folder, DIGEST_CACHE_SCHEMA).to_pylist():
                self._known[(row["path"], row["size"], row["mtime_ns"])] = row["digest"]

    def __call__(self, path: str) -> str:
        """The digest of the file at ``path``."""
        stat = os.stat(path)
        key = (path, stat.st_size, stat.st_mtime_ns)
        if key not in self._known:
            self._known[key] = file_digest(Path(path))
            self._dirty = True
        return self._known[key]

    def save(self) -> None:
        """Write the cache back when it learned something new."""
        if self._folder is None or not self._dirty:
            return
        rows = [{"path": p, "size": s, "mtime_ns": m, "digest": d} for (p, s, m), d in self._known.items()]
        write_table_atomic(pa.Table.from_pylist(rows, schema=DIGEST_CACHE_SCHEMA), self._folder / "digests.parquet")
        self._dirty = False


def utterance_hash(
    text: str | None,
    video_digest: str | None,
    audio_digest: str | None,
    start_s: float | None,
    end_s: float | None,
) -> str:
    """Hash of everything an extractor reads for one utterance: its text, media bytes and segment."""
    payload = json.dumps([text, video_digest, audio_digest, start_s, end_s], separators=(",", ":"))
    return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()


def table_fingerprint(table: pa.Table) -> str:
    """A hash of a table's content (all columns, row order included)."""
    digest = hashlib.blake2b(digest_size=16)
    for batch in table.to_batches():
        for column in batch.columns:
            digest.update(json.dumps(column.to_pylist(), default=str).encode())
    return digest.hexdigest()
