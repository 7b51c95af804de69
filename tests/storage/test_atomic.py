"""Atomic writes: the final name holds a whole file or folder, or what was there before."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from emoflow.storage import FeatureStore
from emoflow.storage.atomic import STALE_AFTER_S, atomic_folder, atomic_path, sweep_leftovers, write_text_atomic


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
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(target), str(folder)], stdout=subprocess.PIPE, text=True
    )
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


KILLED_SWAP = """
import os, signal, sys
from pathlib import Path
from emoflow.storage import atomic

mode, folder = sys.argv[1], Path(sys.argv[2])
if mode == "aside":  # as on a system that cannot swap two names in one step
    atomic._exchange = lambda first, second: False
    real_replace, moves = Path.replace, []

    def replace(self, target):
        moves.append(target)
        if len(moves) == 2:  # the old folder is aside, the new one not yet in
            os.kill(os.getpid(), signal.SIGKILL)
        return real_replace(self, target)

    Path.replace = replace
else:  # swapped, killed before the old folder (now under the temporary name) is removed
    atomic._remove = lambda path: os.kill(os.getpid(), signal.SIGKILL)
with atomic.atomic_folder(folder) as partial:
    (partial / "new").write_text("new")
"""


@pytest.mark.parametrize("mode", ["aside", "swap"])
def test_a_writer_killed_while_replacing_a_folder_leaves_the_old_or_the_new_one(tmp_path, mode):
    folder = tmp_path / "encoder"
    with atomic_folder(folder) as partial:
        (partial / "old").write_text("old")
    done = subprocess.run([sys.executable, "-c", KILLED_SWAP, mode, str(folder)], capture_output=True, timeout=60)
    assert done.returncode == -9, done.stderr
    if mode == "swap":
        assert [p.name for p in folder.iterdir()] == ["new"]  # readers already see the new folder
    else:
        assert not folder.exists()  # the killed writer's old folder is aside ...
    sweep_leftovers(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["encoder"]  # ... and put back; nothing else is left
    assert [p.name for p in folder.iterdir()] == (["new"] if mode == "swap" else ["old"])


def test_a_replaced_folder_is_never_missing_for_a_reader(tmp_path):
    folder = tmp_path / "encoder"
    with atomic_folder(folder) as partial:
        (partial / "v").write_text("0")
    stop = time.monotonic() + 2
    reader = subprocess.Popen([sys.executable, "-c", READER, str(folder), str(stop)], stdout=subprocess.PIPE, text=True)
    version = 0
    while time.monotonic() < stop:
        version += 1
        with atomic_folder(folder) as partial:
            (partial / "v").write_text(str(version))
    assert reader.communicate(timeout=60)[0].strip() == "never missing", version


READER = """
import sys, time
from pathlib import Path
folder, stop = Path(sys.argv[1]), float(sys.argv[2])
while time.monotonic() < stop:
    if not folder.is_dir():
        print("missing"); break
else:
    print("never missing")
"""
