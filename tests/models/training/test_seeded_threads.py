"""Seeded training is reproducible on threads: the same seed gives the same weights while other threads build
models and score at the same time (``core.device.seeded``; the Dask case is tests/flows/test_dask_cluster.py),
and in another process with several CPU threads."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import torch

from emoflow.models.registry import create_model
from emoflow.models.training.runs import load_checkpoint, plan_runs, train_run
from emoflow.models.training.trainer import predict
from emoflow.storage import FeatureStore
from emoflow.testing.synthetic import write_contagion_dataset

pytestmark = pytest.mark.integration

TRAIN = {"epochs": 3, "lr": 0.001, "patience": None, "batch_size": 16}


def test_seeds_train_the_same_weights_alone_and_on_threads_beside_other_work(contagion_store):
    plan = plan_runs(
        contagion_store, "syn", "mlp", ["text", "audio"], train_overrides=TRAIN, model_overrides={"dropout": 0.5}
    )
    alone = {}
    for seed in (1, 2):
        train_run(contagion_store, plan, seed, progress=False)
        alone[seed] = load_checkpoint(contagion_store, plan.run_id(seed))["state_dict"]

    stop = threading.Event()

    def other_work() -> int:  # what an evaluation or a prediction does at the same time in the same process
        rounds = 0
        while not stop.is_set():
            network = create_model("mlp", plan.spec, **plan.config["model_config"])
            predict(network, plan.data.splits["val"][:4])
            rounds += 1
        return rounds

    with ThreadPoolExecutor(max_workers=4) as pool:
        busy = [pool.submit(other_work) for _ in range(2)]
        runs = [pool.submit(train_run, contagion_store, plan, seed, progress=False) for seed in (1, 2)]
        for run in runs:
            run.result()
        stop.set()
        assert all(b.result() > 0 for b in busy)
    for seed in (1, 2):
        threaded = load_checkpoint(contagion_store, plan.run_id(seed))["state_dict"]
        assert all(torch.equal(alone[seed][k], threaded[k]) for k in alone[seed]), seed


TRAIN_IN_A_PROCESS = """
import hashlib, sys
from emoflow.models.training.runs import load_checkpoint, plan_runs, train_run
from emoflow.storage import FeatureStore
store = FeatureStore(sys.argv[1])
plan = plan_runs(store, "syn", "cmcf_agcn", ["text"], train_overrides={"epochs": 2, "batch_size": 4})
train_run(store, plan, 1, progress=False)
weights = load_checkpoint(store, plan.run_id(1))["state_dict"]
print(hashlib.sha256(b"".join(v.numpy().tobytes() for _, v in sorted(weights.items()))).hexdigest())
"""


def test_a_graph_model_trains_the_same_weights_in_another_process(tmp_path):
    # several CPU threads sum PyG's scattered messages in any order unless torch's deterministic kernels are on
    store = FeatureStore(tmp_path / "store")
    write_contagion_dataset(
        store,
        "syn",
        {"train": [60] * 8, "val": [60] * 2, "test": [60] * 2},
        dims={"text": 32},
        seed=1,
        class_names=["joy", "anger", "neutral", "sadness"],
    )
    command = [sys.executable, "-c", TRAIN_IN_A_PROCESS, str(store.root)]
    environment = {**os.environ, "OMP_NUM_THREADS": "2"}
    digests = [
        subprocess.run(command, capture_output=True, text=True, check=True, env=environment).stdout for _ in range(2)
    ]
    assert digests[0] == digests[1] and len(digests[0].strip()) == 64
