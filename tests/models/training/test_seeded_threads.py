"""Seeded training is reproducible on threads: the same seed gives the same weights while other threads build
models and score at the same time (``core.device.seeded``; the Dask case is tests/flows/test_dask_cluster.py)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import torch

from emoflow.models.registry import create_model
from emoflow.models.training.runs import load_checkpoint, plan_runs, train_run
from emoflow.models.training.trainer import predict

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
