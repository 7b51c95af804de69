"""Atomic writes: the final name holds a whole file or folder, or what was there before."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from emoflow.storage import FeatureStore
from emoflow.storage.atomic import STALE_AFTER_S, atomic_folder, atomic_path, write_text_atomic


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


KILLED_WRITER = """
import sys, time
from pathlib import Path
from emoflow.storage.atomic import atomic_folder, atomic_path
with atomic_path(Path(sys.argv[1])) as partial, atomic_folder(Path(sys.argv[2])) as folder:
    partial.write_text("half")
    (folder / "weights").write_text("half")
    print("writing", flush=True)
    time.sleep(600)
"""


def start_writer(tmp_path):
    target, folder = tmp_path / "store" / "record.json", tmp_path / "store" / "runs" / "weights"
    process = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(target), str(folder)],
                               stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert process.stdout.readline() == "writing\n"
    return process, target, folder


def hidden(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_temporaries_of_a_killed_writer_are_removed_by_the_next_write(tmp_path):
    process, target, folder = start_writer(tmp_path)
    write_text_atomic(tmp_path / "store" / "other.json", "x")  # another name: a live writer's file stays
    assert len(hidden(target.parent)) == 1 and len(hidden(folder.parent)) == 1
    process.kill()
    process.wait()
    assert len(hidden(target.parent)) == 1  # the kill left it
    write_text_atomic(target, "whole")
    assert hidden(target.parent) == [] and target.read_text() == "whole"
    removed = FeatureStore(tmp_path / "store").sweep_leftovers()  # the folder is swept at the next stage
    assert [p.parent for p in removed] == [folder.parent] and hidden(folder.parent) == []


def test_a_live_writer_and_a_recent_write_from_another_host_are_left_alone(tmp_path):
    process, target, folder = start_writer(tmp_path)
    try:
        store = FeatureStore(tmp_path / "store")
        elsewhere = target.parent / f".record.json.12345@another-host.{'a' * 32}.tmp"
        elsewhere.write_text("being written on another machine")
        assert store.sweep_leftovers() == [] and len(hidden(target.parent)) == 2
        old = time.time() - STALE_AFTER_S - 60
        os.utime(elsewhere, (old, old))
        assert store.sweep_leftovers() == [elsewhere]  # a day old: its writer is gone
        assert len(hidden(target.parent)) == 1 and len(hidden(folder.parent)) == 1
    finally:
        process.kill()
        process.wait()
