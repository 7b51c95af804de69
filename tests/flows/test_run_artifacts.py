"""A run's artifacts name the variant it ran as (CaSCLA without clues is the paper's ablation)."""

from __future__ import annotations

from prefect import flow, get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from emoflow.flows.artifacts import artifact_key, publish_run
from emoflow.models.training.runs import train_runs
from emoflow.storage import FeatureStore
from emoflow.testing.synthetic import write_contagion_dataset

SMALL = {"model_dim": 8, "hidden": 4, "encoder_heads": 2, "feedforward": 8, "label_dim": 4}


def test_the_metrics_artifact_says_when_cascla_ran_without_clues(prefect_server, tmp_path):
    store = FeatureStore(tmp_path / "store")
    write_contagion_dataset(
        store, "syn", {"train": [5, 6] * 3, "val": [5, 6], "test": [6, 5]}, dims={"text": 6}, num_classes=3
    )
    (run,) = train_runs(
        store,
        "syn",
        "cascla",
        ["text"],
        seeds=[1],
        progress=False,
        model_overrides=SMALL,
        train_overrides={"epochs": 1},
    )

    @flow
    def publish() -> None:
        publish_run(run.run_dir, "variant-check")

    publish()
    key = artifact_key("variant-check", "metrics", run.run_id)
    with get_client(sync_client=True) as client:
        (artifact,) = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
    assert artifact.description.endswith(
        "variant: w/o causal-aware knowledge (no commonsense clue table: the interaction runs on the context alone)"
    )
