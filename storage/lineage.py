"""Lineage: what produced a stored table, recorded in the Parquet file's metadata."""

from __future__ import annotations

import platform
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

TRACKED_LIBRARIES = (
    "emoflow",
    "pyarrow",
    "duckdb",
    "numpy",
    "torch",
    "torchvision",
    "transformers",
    "opensmile",
    "opencv-python-headless",
    "torch-geometric",
    "scikit-learn",
)


def library_versions(names: tuple[str, ...] = TRACKED_LIBRARIES) -> dict[str, str]:
    """Installed versions of the libraries that can change a stored result (absent ones are left out)."""
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def make_lineage(stage: str, **details: Any) -> dict[str, Any]:
    """A lineage record for a table written by ``stage``, with the details that define its content."""
    return {
        "stage": stage,
        **details,
        "libraries": library_versions(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
