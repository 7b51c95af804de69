"""Atomic writes: a file or a folder appears complete under its final name, or not at all.

Everything is written under a hidden temporary name in the same folder, synced, and renamed into place
(``os.replace``); the folder is synced after the rename so that the new name survives a power cut. A crash
never leaves a half-written file that readers would take for a whole one. Parquet parts, promotion records,
JSON reports, run files and trained weights all go through here.

A folder is replaced so that readers always find the old or the new one (:func:`replace_folder`).

A killed writer leaves its temporary behind. Temporaries are named ``.<name>.<pid>@<host>.<token>.tmp`` (or
``.partial`` for folders, ``.replaced`` for an old folder moved aside), so that the next write to the same
folder (and :func:`sweep_leftovers` over the
store, run at the start of ingestion, extraction and training) can tell a leftover from a write in progress:
one whose process has ended on this host, or one older than :data:`STALE_AFTER_S` from any host, is removed.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import socket
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STALE_AFTER_S = 24 * 3600
"""A temporary written from another host (a shared store) is a leftover once it is this old."""

_TEMPORARY = re.compile(
    r"^\.(?P<name>.+?)\.(?:(?P<pid>\d+)@(?P<host>[^/]*)\.)?[0-9a-f]{32}\.(?P<kind>tmp|partial|replaced)$"
)


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
            final = path.with_name(match["name"])
            if match["kind"] == "replaced" and not final.exists():
                path.rename(final)  # the writer was killed between moving the old folder aside and the new one in
                continue
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
    """A temporary folder beside ``path``; on success it replaces ``path`` (see :func:`replace_folder`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(path.parent, name=path.name, recursive=False)
    temporary = _temporary(path, "partial")
    temporary.mkdir()
    try:
        yield temporary
        replace_folder(temporary, path)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


RENAME_EXCHANGE = 2
AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # an old kernel, or a file system without it
        return False
    raise OSError(error, os.strerror(error), str(second))


def replace_folder(new: Path, path: Path) -> None:
    """Put the folder ``new`` at ``path``: a reader always finds the old folder or the new one there.

    Where the system can swap two names in one step (Linux), it does, then removes the old folder (now under
    the temporary name). Elsewhere the old folder is renamed aside (``.<name>.<pid>@<host>.<token>.replaced``),
    the new one renamed in, the old one removed: a writer killed in between leaves the old folder aside, and the
    next write or :func:`sweep_leftovers` puts it back. Either way a kill at any point leaves one of the two.
    """
    new, path = Path(new), Path(path)
    if not path.exists():
        new.replace(path)
    elif _exchange(new, path):
        _remove(new)
    else:
        aside = _temporary(path, "replaced")
        path.replace(aside)
        new.replace(path)
        _remove(aside)
    _sync_folder(path.parent)
