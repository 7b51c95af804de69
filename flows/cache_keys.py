"""Content keys of the flows' tasks: a task whose key was seen before returns its stored result, unrun.

Every key holds the store's absolute path and the installed library versions (emoflow's own included), so a
different store or an upgraded library never reuses a result, and the code that produces the output
(:func:`emoflow.core.code_digest.code_identity`: emoflow's version and a digest of the modules' source), so a
fix re-runs what it touches. Besides:

- recording analysis (``recordings`` layout): the bytes of the media file and its sidecars, the analysis options
  and code (:func:`emoflow.recordings.ingest.recording_key`);
- ingest: the dataset, layout and options, the corpus files' paths, sizes and modification times (the
  ingestion itself hashes the media content; an unchanged corpus that was touched re-runs and writes nothing),
  and the ingestion code;
- extraction chunk: the extractor id (name, config hash and the extractor's code) and the chunk's input
  fingerprint (its utterances' content hashes, plus labels and splits for trained extractors);
- training: the run id, which digests the feature tables' fingerprints, the labels, the model and training
  configs, the model's and the trainer's code and the seed;
- evaluation: the run id, its checkpoint's bytes, the current fingerprints of the features it reads and the
  scoring code;
- prediction: the run id and its checkpoint's bytes, the new dataset's utterances fingerprint, and the prediction
  code (its features are made inside the task from the run's recipe, which the checkpoint holds).

Results are small JSON records of store paths, kept under ``<store>/_cache/prefect`` (see :func:`result_storage`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from emoflow.core.code_digest import code_identity
from emoflow.storage.hashing import FileDigests, file_digest, json_digest
from emoflow.storage.lineage import library_versions
from emoflow.storage.store import FeatureStore

INGEST_MODULE = "emoflow.storage.ingest"
EVALUATE_MODULE = "emoflow.models.training.runs"
PREDICT_MODULE = "emoflow.models.prediction"


def content_key(stage: str, store: str | Path, *parts: Any) -> str:
    """``<stage>-<hash>`` of the store, the library versions and ``parts`` (JSON-able values)."""
    return f"{stage}-{json_digest([str(Path(store).resolve()), library_versions(), *parts])}"


def result_storage(store: str | Path) -> Path:
    """Where the tasks' results (and so the cache records) live: inside the store, deleted with it."""
    return FeatureStore(store).cache_dir("prefect")


def corpus_listing(corpus: str | Path) -> list[tuple[str, int, int]]:
    """(relative path, size, mtime in ns) of every file of the corpus folder (a manifest file: its folder's)."""
    path = Path(corpus)
    root = path if path.is_dir() else path.parent
    listing = []
    for folder, _, files in os.walk(root):
        for name in files:
            stat = os.stat(os.path.join(folder, name))
            listing.append((os.path.relpath(os.path.join(folder, name), root), stat.st_size, stat.st_mtime_ns))
    return sorted(listing)


def ingest_key(_: Any, parameters: dict[str, Any]) -> str:
    """Key of the ingest task."""
    p = parameters
    return content_key(
        "ingest",
        p["store"],
        p["dataset"],
        p["layout"],
        p["options"],
        str(Path(p["corpus"]).resolve()),
        corpus_listing(p["corpus"]),
        code_identity(INGEST_MODULE),
    )


def recording_analysis_key(_: Any, parameters: dict[str, Any]) -> str:
    """Key of one recording's analysis task."""
    from emoflow.recordings.ingest import RecordingOptions, recording_key

    p = parameters
    store = FeatureStore(p["store"])
    digests = FileDigests(store.cache_dir("file-digests"))
    key = recording_key(Path(p["corpus"]), p["recording"], RecordingOptions.from_options(**p["options"]), digests)
    digests.save()
    return content_key("recording", p["store"], key)


def extract_chunk_key(_: Any, parameters: dict[str, Any]) -> str:
    """Key of an extraction chunk task."""
    p = parameters
    return content_key("extract", p["store"], p["dataset"], p["extractor"].extractor_id, p["chunk"].fingerprint)


def train_key(_: Any, parameters: dict[str, Any]) -> str:
    """Key of a training task."""
    return content_key("train", parameters["store"], parameters["run_id"])


def evaluate_key(_: Any, parameters: dict[str, Any]) -> str:
    """Key of an evaluation task."""
    store = FeatureStore(parameters["store"])
    run_dir = store.run_dir(parameters["run_id"])
    checkpoint = run_dir / "checkpoint.pt"
    weights = file_digest(checkpoint) if checkpoint.is_file() else None
    config = json.loads((run_dir / "config.json").read_text()) if (run_dir / "config.json").is_file() else {}
    features = {m: store.features_fingerprint(config["dataset"], m, e) for m, e in config.get("features", {}).items()}
    return content_key("evaluate", store.root, parameters["run_id"], weights, features, code_identity(EVALUATE_MODULE))


def predict_key(_: Any, parameters: dict[str, Any]) -> str:
    """Key of a prediction task: the run's checkpoint, the new dataset's utterances and the prediction code."""
    store = FeatureStore(parameters["store"])
    checkpoint = store.run_dir(parameters["run_id"]) / "checkpoint.pt"
    weights = file_digest(checkpoint) if checkpoint.is_file() else None
    utterances = store.utterances_lineage(parameters["dataset"]).get("fingerprint")
    return content_key(
        "predict",
        store.root,
        parameters["run_id"],
        weights,
        parameters["dataset"],
        utterances,
        parameters["timelines"],
        code_identity(PREDICT_MODULE),
    )
