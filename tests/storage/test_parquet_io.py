"""Atomic writes: a crash while writing leaves the previous file whole and no visible partial file."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from emoflow.storage import parquet_io
from emoflow.storage.parquet_io import parquet_files, read_lineage, write_table_atomic


def test_a_crash_mid_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "part" / "part-0.parquet"
    write_table_atomic(pa.table({"x": [1, 2, 3]}), target, {"version": 1})

    def crash(table, where, **kwargs):
        with open(where, "wb") as handle:
            handle.write(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(parquet_io.pq, "write_table", crash)
    with pytest.raises(OSError, match="disk full"):
        write_table_atomic(pa.table({"x": [9]}), target, {"version": 2})
    monkeypatch.undo()

    assert pq.read_table(target).column("x").to_pylist() == [1, 2, 3]
    assert read_lineage(target) == {"version": 1}
    assert sorted(p.name for p in target.parent.iterdir()) == ["part-0.parquet"]


def test_hidden_temporary_files_are_never_listed(tmp_path):
    (tmp_path / ".part-0.parquet.abc.tmp").write_bytes(b"partial")
    write_table_atomic(pa.table({"x": [1]}), tmp_path / "part-0.parquet")
    assert [p.name for p in parquet_files(tmp_path)] == ["part-0.parquet"]
