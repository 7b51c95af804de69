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


@pytest.fixture(scope="session")
def long_dialogue_store(tmp_path_factory) -> FeatureStore:
    """Dataset ``long``: the contagion task on two-party dialogues of 50-110 turns, six classes, text only.

    Unit-length 96-d rows, as a sentence encoder emits them, with the mood cue weak next to the noise.
    """
    store = FeatureStore(tmp_path_factory.mktemp("long-dialogues") / "store")
    rng = np.random.default_rng(3)
    lengths = {split: list(rng.integers(50, 111, n)) for split, n in (("train", 40), ("val", 10), ("test", 10))}
    write_contagion_dataset(store, "long", lengths, dims={"text": 96}, num_classes=6, noise=1.0, unit_norm=True)
    return store
