"""Every corpus layout behind one ingestion call: the store's readers (manifest, MELD, IEMOCAP) and ``recordings``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emoflow.recordings.ingest import LAYOUT, MEDIA_SUFFIXES, ingest_recordings, is_recordings_folder
from emoflow.storage.corpora import LAYOUTS, ManifestError, detect_layout
from emoflow.storage.ingest import IngestReport, ingest_corpus
from emoflow.storage.store import FeatureStore

ALL_LAYOUTS = (*LAYOUTS, LAYOUT)
"""Layout names for ``--layout`` (besides ``auto``)."""


def detect_any_layout(path: Path) -> str:
    """The layout of ``path``: one of the store's, else ``recordings`` for a folder of media files."""
    try:
        return detect_layout(path)
    except ManifestError:
        if is_recordings_folder(path):
            return LAYOUT
        raise ManifestError(
            f"{path}: cannot tell its layout; expected a manifest (.csv/.parquet, or a folder holding manifest.csv), "
            "MELD's *_sent_emo.csv files, IEMOCAP's Session*/dialog folders, or a folder of long recordings "
            f"({', '.join(sorted(MEDIA_SUFFIXES))}). Name one with --layout ({', '.join(ALL_LAYOUTS)})."
        ) from None


def ingest_any(
    corpus: Path | str,
    dataset: str,
    store: FeatureStore,
    *,
    layout: str = "auto",
    strict: bool = False,
    progress: bool = True,
    **options: Any,
) -> IngestReport:
    """Ingest ``corpus`` in ``layout`` (``auto`` detects it); ``options`` go to the layout's reader."""
    if layout == "auto":
        layout = detect_any_layout(Path(corpus))
    if layout == LAYOUT:
        return ingest_recordings(corpus, dataset, store, strict=strict, progress=progress, **options)
    return ingest_corpus(corpus, dataset, store, layout=layout, strict=strict, progress=progress, **options)
