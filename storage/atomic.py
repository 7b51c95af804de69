"""Atomic writes: a file or a folder appears complete under its final name, or not at all.

Everything is written under a hidden temporary name in the same folder, synced, and renamed into place
(``os.replace``); the folder is synced after the rename so that the new name survives a power cut. A crash
never leaves a half-written file that readers would take for a whole one. Parquet parts, promotion records,
JSON reports, run files and trained weights all go through here.

A killed writer leaves its temporary behind. Temporaries are named ``.<name>.<pid>@<host>.<token>.tmp`` (or
``.partial`` for folders), so that the next write to the same folder (and :func:`sweep_leftovers` over the
store, run at the start of ingestion, extraction and training) can tell a leftover from a write in progress:
one whose process has ended on this host, or one older than :data:`STALE_AFTER_S` from any host, is removed.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STALE_AFTER_S = 24 * 3600
"""A temporary written from another host (a shared store) is a leftover once it is this old."""

_TEMPORARY = re.compile(r"^\.(?P<name>.+?)\.(?:(?P<pid>\d+)@(?P<host>[^/]*)\.)?[0-9a-f]{32}\.(?:tmp|partial)$")


def _temporary(path: Path, kind: str) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}@{socket.gethostname()}.{uuid.uuid4().hex}.{kind}")


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the platform can open folders)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_leftover(path: Path, *, now: float | None = None) -> bool:
    """Whether ``path`` is a temporary of this module whose writer is gone (see the module docstring)."""
    match = _TEMPORARY.match(path.name)
    if not match:
        return False
    if match["pid"] and match["host"] == socket.gethostname() and int(match["pid"]) != os.getpid():
        return not _alive(int(match["pid"]))
    try:
        age = (now or time.time()) - path.lstat().st_mtime
    except FileNotFoundError:
        return False
    return age > STALE_AFTER_S


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _entries(root: Path, recursive: bool) -> Iterator[Path]:
    """Every file and folder under ``root`` (or directly in it); temporary folders are listed, not entered."""
    if not recursive:
        yield from root.iterdir()
        return
    for folder, dirs, files in os.walk(root):
        yield from (Path(folder) / n for n in (*dirs, *files))
        dirs[:] = [d for d in dirs if not _TEMPORARY.match(d)]


def sweep_leftovers(root: Path, *, name: str | None = None, recursive: bool = True) -> list[Path]:
    """Remove the leftover temporaries under ``root`` (only those of the final name ``name`` when given)."""
    root = Path(root)
    if not root.is_dir():
        return []
    removed = []
    for path in list(_entries(root, recursive)):
        match = _TEMPORARY.match(path.name)
        if match and (name is None or match["name"] == name) and is_leftover(path):
            _remove(path)
            removed.append(path)
    return removed


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary file path beside ``path``; on success it is synced and renamed to ``path``, else removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(path.parent, name=path.name, recursive=False)
    temporary = _temporary(path, "tmp")
    try:
        yield temporary
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        _sync_folder(path.parent)
    finally:
        temporary.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return Path(path)


@contextmanager
def atomic_folder(path: Path) -> Iterator[Path]:
    """A temporary folder beside ``path``; on success it replaces ``path`` (an older one is removed), else removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(path.parent, name=path.name, recursive=False)
    temporary = _temporary(path, "partial")
    temporary.mkdir()
    try:
        yield temporary
        shutil.rmtree(path, ignore_errors=True)
        temporary.replace(path)
        _sync_folder(path.parent)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
