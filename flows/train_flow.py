"""The ``train-model`` flow: one task per model and seed; each run selected on validation, test scored once."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task

from emoflow.core.time_limit import Deadline
from emoflow.flows.artifacts import StageProgress, publish_paths, publish_run
from emoflow.flows.cache_keys import train_key
from emoflow.flows.device_slot import device_slot
from emoflow.flows.outcomes import Job, Outcome, run_jobs, summary
from emoflow.flows.parameters import (
    Dataset,
    Device,
    Epochs,
    FeatureChoice,
    Modalities,
    ModelNames,
    Options,
    Seeds,
    Store,
    TaskTimeout,
)
from emoflow.flows.retries import RETRY_OPTIONS
from emoflow.flows.task_runner import make_task_runner
from emoflow.models.training.option_checks import check_model_options, check_training_data
from emoflow.models.training.runs import RunResult, plan_runs, train_run
from emoflow.storage import FeatureStore


def run_is_complete(store: FeatureStore, run_id: str) -> bool:
    """Whether the run's checkpoint, metrics and predictions are all in the store."""
    run_dir = store.run_dir(run_id)
    evaluated = any(store.predictions_dir(run_id).glob("evaluation-*.parquet"))
    return evaluated and all(p.is_file() for p in (run_dir / "checkpoint.pt", run_dir / "metrics.json"))


@task(
    name="train",
    task_run_name="train {run_id}",
    cache_key_fn=train_key,
    persist_result=True,
    result_serializer="json",
    **RETRY_OPTIONS,
)
def train_task(
    store: str, run_id: str, plan_options: dict[str, Any], seed: int, timeout_s: float | None = None
) -> dict[str, Any]:
    """Train one run; returns its folder, predictions path and validation/test weighted F1.

    Past ``timeout_s`` (checked after each epoch) the task fails and the run is not written.
    """
    deadline = Deadline(timeout_s)
    feature_store = FeatureStore(store)
    plan = plan_runs(feature_store, **plan_options)
    if plan.run_id(seed) != run_id:
        raise RuntimeError(f"the store changed while the flow ran: expected run {run_id}, got {plan.run_id(seed)}")
    logger = get_run_logger()
    epochs = StageProgress(f"train {run_id}", plan.train_config.epochs, "epochs")

    def log_epoch(record: dict[str, float]) -> None:
        epochs.advance()
        logger.info(
            f"{run_id} epoch {record['epoch']:.0f}/{plan.train_config.epochs}: train loss {record['train_loss']:.3f}, "
            f"val weighted F1 {100 * record['val_weighted_f1']:.2f} (best epoch {record['best_epoch']:.0f})"
        )
        deadline.check(f"training {run_id}", f"epoch {record['epoch']:.0f} of {plan.train_config.epochs}")

    with device_slot(plan.train_config.device):
        result = train_run(feature_store, plan, seed, progress=False, on_epoch=log_epoch)
    epochs.finish(f" (stopped after {epochs.done})" if epochs.done < epochs.total else "")
    logger.info(result.summary())
    return run_record(feature_store, result)


def run_record(store: FeatureStore, result: RunResult) -> dict[str, Any]:
    """A run as a task result: its id, folder, metrics and predictions paths, validation and test weighted F1."""
    return {
        "run_id": result.run_id,
        "run_dir": str(result.run_dir),
        "metrics": str(result.run_dir / "metrics.json"),
        "predictions": str(result.predictions),
        "val_weighted_f1": result.val.weighted_f1,
        "test_weighted_f1": result.test.weighted_f1 if result.test else None,
        "majority_val_weighted_f1": result.majority.weighted_f1.get("val") if result.majority else None,
    }


def train_stage(
    store: str,
    dataset: str,
    models: list[str],
    modalities: list[str],
    seeds: list[int],
    *,
    features: dict[str, str] | None = None,
    epochs: int | None = None,
    model_overrides: dict[str, Any] | None = None,
    train_overrides: dict[str, Any] | None = None,
    device: str = "auto",
    refresh: bool = False,
    timeout_s: float | None = None,
) -> list[Outcome]:
    """Plan every model's runs, then train each (model, seed) as a task; cached runs are not trained again."""
    feature_store = FeatureStore(store)
    overrides = {**(train_overrides or {}), "device": device, **({"epochs": epochs} if epochs else {})}
    check_model_options(models, model_overrides=model_overrides, train_overrides=overrides)  # every model first
    check_training_data(feature_store, dataset, modalities, features)
    jobs = []
    for model in models:
        options: dict[str, Any] = {
            "dataset": dataset,
            "model": model,
            "modalities": modalities,
            "features": features,
            "model_overrides": model_overrides,
            "train_overrides": overrides,
        }
        plan = plan_runs(feature_store, **options)
        for seed in seeds:
            run_id = plan.run_id(seed)
            current = run_is_complete(feature_store, run_id)
            args = (store, run_id, options, seed, timeout_s)
            jobs.append(Job(f"train {run_id}", train_task, args, current))
    outcomes = run_jobs(store, jobs, refresh=refresh, progress=f"train {dataset}")  # seeded sections take turns
    get_run_logger().info(f"training: {summary(outcomes)}")
    return outcomes


@flow(name="train-model", task_runner=make_task_runner(), log_prints=True)
def train_model(
    dataset: Dataset,
    models: ModelNames,
    store: Store = "store",
    modalities: Modalities | None = None,
    features: FeatureChoice | None = None,
    seeds: Seeds | None = None,
    epochs: Epochs | None = None,
    model_overrides: Options | None = None,
    train_overrides: Options | None = None,
    device: Device = "auto",
    refresh: bool = False,
    task_timeout_s: TaskTimeout | None = None,
) -> list[dict[str, Any]]:
    """Train MODELS on DATASET's features, one run per seed; each run's epoch is selected on validation.

    Args:
        dataset: A dataset with extracted features.
        models: Model names, e.g. ["dialoguegcn", "mmgcn"].
        store: The feature store folder.
        modalities: Modalities to use (default: text, audio and visual).
        features: Feature table per modality when the store holds several, e.g. {"audio": "opensmile-b414c67b"}.
        seeds: One run per seed (default [1]).
        epochs: Override the settings' epoch count.
        model_overrides: Model options, e.g. {"hidden": 128}.
        train_overrides: Training options, e.g. {"lr": 0.0005, "patience": 5}.
        device: auto, cpu, cuda or cuda:N.
        refresh: Train again even when an identical run is stored.
        task_timeout_s: Fail a training task that runs longer than this (default: no limit).
    """
    outcomes = train_stage(
        store,
        dataset,
        models,
        list(modalities or ["text", "audio", "visual"]),
        list(seeds or [1]),
        features={str(m): e for m, e in (features or {}).items()},
        epochs=epochs,
        model_overrides=model_overrides,
        train_overrides=train_overrides,
        device=device,
        refresh=refresh,
        timeout_s=task_timeout_s,
    )
    for outcome in outcomes:
        publish_run(FeatureStore(store).run_dir(outcome.result["run_id"]), "train")
    publish_paths(f"train-{dataset}", [o.result["run_dir"] for o in outcomes], f"{dataset}: runs")
    return [o.result for o in outcomes]
