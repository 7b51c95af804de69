"""Files inside installed packages, found through their metadata: nothing is imported, so no package code runs."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path


class MissingPackageError(RuntimeError):
    """A package that holds model files is not installed, or lacks the file."""


def packaged_file(distribution: str, relative: str, *, extra: str | None = None) -> Path:
    """The installed file ``relative`` (a path inside site-packages) of ``distribution``."""
    hint = f"pip install 'emoflow[{extra}]'" if extra else f"pip install {distribution}"
    try:
        files = importlib.metadata.distribution(distribution).files or []
    except importlib.metadata.PackageNotFoundError:
        raise MissingPackageError(f"{distribution} is not installed; {hint} (or run `make setup`)") from None
    for file in files:
        if file.as_posix() == relative:
            path = Path(str(file.locate()))
            if path.is_file():
                return path
    raise MissingPackageError(f"{distribution} does not hold {relative}; reinstall it ({hint})")
