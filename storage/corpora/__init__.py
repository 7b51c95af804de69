"""Corpus readers, one per on-disk layout, all producing the same :class:`RawCorpus` rows."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emoflow.storage.corpora.iemocap import is_iemocap, read_iemocap
from emoflow.storage.corpora.manifest import ManifestError, find_manifest, read_manifest
from emoflow.storage.corpora.meld import is_meld, read_meld
from emoflow.storage.corpora.rows import MANIFEST_COLUMNS, RawCorpus, RawRow

__all__ = [
    "LAYOUTS",
    "MANIFEST_COLUMNS",
    "ManifestError",
    "RawCorpus",
    "RawRow",
    "detect_layout",
    "read_corpus",
]

LAYOUTS: dict[str, Callable[..., RawCorpus]] = {
    "manifest": read_manifest,
    "meld": read_meld,
    "iemocap": read_iemocap,
}


def check_corpus_exists(path: Path | str) -> Path:
    """``path`` when it exists; else a one-line error, naming the folder a relative path was looked for in.

    A deployment's flow run starts in its worker's working folder, which is rarely where the user typed the path.
    """
    path = Path(path)
    if not path.exists():
        where = "" if path.is_absolute() else f" (a relative path, looked for in {Path.cwd()}: give an absolute one)"
        raise FileNotFoundError(f"{path}: no such file or folder{where}")
    return path


def detect_layout(path: Path) -> str:
    """The layout of the corpus at ``path``: a manifest, MELD's folders or IEMOCAP's sessions."""
    path = check_corpus_exists(path)
    if find_manifest(path) is not None:
        return "manifest"
    if is_meld(path):
        return "meld"
    if is_iemocap(path):
        return "iemocap"
    raise ManifestError(
        f"{path}: cannot tell its layout; expected a manifest (.csv/.parquet, or a folder holding "
        "manifest.csv), MELD's *_sent_emo.csv files, or IEMOCAP's Session*/dialog folders. "
        f"Name one with --layout ({', '.join(LAYOUTS)})."
    )


def read_corpus(path: Path, layout: str = "auto", **options: Any) -> RawCorpus:
    """Read the corpus at ``path`` with the reader of ``layout`` (``auto`` detects it)."""
    if layout == "auto":
        layout = detect_layout(path)
    if layout not in LAYOUTS:
        raise ValueError(f"unknown corpus layout {layout!r}; valid layouts: auto, {', '.join(LAYOUTS)}")
    reader = LAYOUTS[layout]
    accepted = [name for name, p in inspect.signature(reader).parameters.items() if p.kind is p.KEYWORD_ONLY]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise ValueError(
            f"the {layout} layout takes no option {', '.join(unknown)}; its options: {', '.join(accepted) or 'none'}"
        )
    return reader(Path(path), **options)
