"""Which weights a model was loaded from: the hub commit it resolved to, and a digest of its weight files.

Text encoders record both; image backbones the sha256 of their one weights file.

Recorded in the lineage of every feature table a transformer made, so two stores made months apart can be
compared: the same ``revision`` and ``weights_sha256`` mean the same weights, whatever the hub's ``main`` pointed
to in between. A hub id is looked up in the local Hugging Face cache only (the files ``from_pretrained`` just
loaded; nothing is downloaded here); a local folder (``package:``/``parts:`` weights, a fine-tuned encoder) has
no revision, only its digest.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from emoflow.extractors.split_weights import cache_root, sha256_of
from emoflow.storage.atomic import write_text_atomic

WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".h5", ".msgpack", ".onnx")


def weights_identity(source: str, revision: str = "") -> dict[str, Any]:
    """``{"revision": <commit or None>, "weights_sha256": <digest or None>}`` of what ``source`` loads.

    ``source`` is a folder or a hub id (with ``revision``, the branch, tag or commit asked for). ``None`` where
    the cache does not hold the id (the weights then came from elsewhere, e.g. a mirror). The digest is the
    sha256 of ``sha256sum``'s listing of the weight files, sorted by path: in the folder,
    ``sha256sum $(find . -name '*.safetensors' | sed 's|^./||' | sort) | sha256sum`` gives the same for
    safetensors-only weights.
    """
    folder, commit = Path(source), None
    if not folder.is_dir():
        snapshot = _cached_snapshot(source, revision)
        if snapshot is None:
            return {"revision": None, "weights_sha256": None}
        folder, commit = snapshot, snapshot.name
    files = sorted(p for p in folder.rglob("*") if p.suffix in WEIGHT_SUFFIXES and p.is_file())
    if not files:
        return {"revision": commit, "weights_sha256": None}
    listing = "".join(f"{file_sha256(p)}  {p.relative_to(folder)}\n" for p in files)
    return {"revision": commit, "weights_sha256": hashlib.sha256(listing.encode()).hexdigest()}


def weights_file_sha256(source: str) -> str | None:
    """sha256 of a single weights file, as ``sha256sum FILE`` prints it; ``None`` for ``random`` or no file.

    ``source`` is a path, or a URL torch's hub cache holds (its ``checkpoints/`` file of the URL's name).
    """
    path = Path(source)
    if source.startswith(("http://", "https://")):
        import torch

        path = Path(torch.hub.get_dir()) / "checkpoints" / source.rsplit("/", 1)[-1]
    if not path.is_file():
        return None
    return file_sha256(path)


def _cached_snapshot(repo_id: str, revision: str) -> Path | None:
    """The local cache's snapshot folder of ``repo_id`` at ``revision`` (its name is the commit hash)."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    try:
        return Path(snapshot_download(repo_id, revision=revision or None, local_files_only=True))
    except (LocalEntryNotFoundError, HFValidationError, OSError):
        return None


def file_sha256(path: Path) -> str:
    """sha256 of a weights file, as ``sha256sum`` prints it, read once per machine.

    The digest is remembered under ``$EMOFLOW_CACHE/digests``, keyed by the resolved path and checked against
    the file's size and modification time, so a changed file is read again; roberta-large's 1.4 GB is hashed
    on first use only, not in every process that records its lineage.
    """
    path = Path(path).resolve()
    stat = path.stat()
    key = f"{stat.st_size}:{stat.st_mtime_ns}"
    memo = cache_root() / "digests" / f"{hashlib.sha256(str(path).encode()).hexdigest()[:32]}.txt"
    if memo.is_file():
        remembered_key, _, digest = memo.read_text(encoding="utf-8").partition(" ")
        if remembered_key == key and len(digest) == 64:
            return digest
    digest = sha256_of(path)
    write_text_atomic(memo, f"{key} {digest}")
    return digest
