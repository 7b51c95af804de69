"""Tiny hand-made dialogue batches and a small synthetic store for the model tests."""

from __future__ import annotations

import numpy as np
import pytest
from model_inputs import dialogue
from torch_geometric.data import Batch

from emoflow.storage import FeatureStore
from emoflow.testing.synthetic import write_contagion_dataset


@pytest.fixture
def make_batch():
    """``make_batch(dims, missing=0.0)``: three dialogues (lengths 5, 1, 8) batched by PyG."""

    def make(dims: dict[str, int], missing: float = 0.0) -> Batch:
        return Batch.from_data_list([dialogue(n, dims, seed=i, missing=missing) for i, n in enumerate((5, 1, 8))])

    return make


@pytest.fixture(scope="session")
def contagion_store(tmp_path_factory) -> FeatureStore:
    """A store with dataset ``syn``: the contagion task (labels follow the other speaker's mood), text + audio."""
    store = FeatureStore(tmp_path_factory.mktemp("contagion") / "store")
    rng = np.random.default_rng(1)
    lengths = {split: list(rng.integers(6, 14, n)) for split, n in (("train", 120), ("val", 30), ("test", 30))}
    write_contagion_dataset(store, "syn", lengths, dims={"text": 16, "audio": 12})
    return store
