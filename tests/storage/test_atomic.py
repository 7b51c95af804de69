"""Atomic writes: the final name holds a whole file or folder, or what was there before."""

from __future__ import annotations

import pytest

from emoflow.storage.atomic import atomic_folder, atomic_path, write_text_atomic


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = write_text_atomic(tmp_path / "record.json", "old")
    with pytest.raises(RuntimeError), atomic_path(target) as partial:
        partial.write_text("half")
        raise RuntimeError("crash")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["record.json"]


def test_a_folder_replaces_the_old_one_whole_or_not_at_all(tmp_path):
    folder = tmp_path / "weights"
    with atomic_folder(folder) as partial:
        (partial / "a").write_text("1")
    with pytest.raises(RuntimeError), atomic_folder(folder) as partial:
        (partial / "b").write_text("2")
        raise RuntimeError("crash")
    assert sorted(p.name for p in folder.iterdir()) == ["a"] and [p.name for p in tmp_path.iterdir()] == ["weights"]
    with atomic_folder(folder) as partial:
        (partial / "c").write_text("3")
    assert sorted(p.name for p in folder.iterdir()) == ["c"]
