"""The device is resolved in the task, where it runs: a CPU machine can plan and submit work for a GPU cluster."""

from __future__ import annotations

import pytest
import torch
from manifest_rows import labelled_dialogues

from emoflow.flows.device_slot import device_slot
from emoflow.flows.pipeline_flow import pipeline
from emoflow.storage import FeatureStore


def test_cpu_and_auto_resolve_on_the_worker_without_a_slot():
    with device_slot("auto") as device:
        assert device == ("cuda" if torch.cuda.is_available() else "cpu")
    with device_slot("cpu") as device:
        assert device == "cpu"


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks a CUDA request on a machine without a GPU")
def test_cuda_asked_on_a_cpu_machine_fails_in_the_task_not_at_submission(prefect_server, write_corpus, tmp_path):
    corpus, store = write_corpus(labelled_dialogues()), FeatureStore(tmp_path / "store")
    with pytest.raises(ValueError, match="device 'cuda' was asked for but no CUDA GPU is visible"):
        pipeline(corpus=str(corpus), store=str(store.root), modalities=["text"], models=["mlp"], device="cuda")
    assert store.read_utterances("corpus").num_rows == 32  # planned and submitted: the ingest task ran first
