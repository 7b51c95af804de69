"""A change to a model's code re-runs its training task; unchanged code is served from the cache."""

from __future__ import annotations

from prefect import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

import emoflow.core.code_digest as code_digest
from emoflow.flows.train_flow import train_model
from emoflow.storage import FeatureStore
from emoflow.testing.synthetic import write_contagion_dataset

LENGTHS = {"train": [6, 7, 5, 8], "val": [6, 5], "test": [7, 6]}


def train_task_states(state) -> list[str]:
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
        )
    return [r.state.name for r in runs if r.name.startswith("train")]


def test_editing_a_models_source_misses_the_train_cache(prefect_server, tmp_path, monkeypatch):
    store = FeatureStore(tmp_path / "store")
    write_contagion_dataset(store, "syn", LENGTHS, dims={"text": 8}, num_classes=3, seed=1)
    parameters = {"dataset": "syn", "models": ["mlp"], "store": str(store.root), "modalities": ["text"], "epochs": 2}

    first = train_model(**parameters, return_state=True)
    again = train_model(**parameters, return_state=True)
    assert train_task_states(first) == ["Completed"] and train_task_states(again) == ["Cached"]
    assert again.result()[0]["run_id"] == first.result()[0]["run_id"]

    real = code_digest._source

    def edited(module):  # the mlp's module as if a statement had been added to it (its normalised code)
        found = real(module)
        if module == "emoflow.models.mlp.model" and found is not None:
            return found[0], found[1] + b"\nFIX = 1"
        return found

    monkeypatch.setattr(code_digest, "_source", edited)
    code_digest.module_closure.cache_clear()
    changed = train_model(**parameters, return_state=True)
    assert train_task_states(changed) == ["Completed"]
    assert changed.result()[0]["run_id"] != first.result()[0]["run_id"]
