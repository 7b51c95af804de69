"""The ``predict`` flow: a trained (or promoted) model on new recordings, one emotion per utterance."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task

from emoflow.flows.artifacts import publish_errors, publish_predictions
from emoflow.flows.cache_keys import predict_key
from emoflow.flows.device_slot import device_slot
from emoflow.flows.ingest_flow import ingest_stage
from emoflow.flows.outcomes import Job, run_jobs
from emoflow.flows.parameters import Dataset, Device, Layout, Options, Store
from emoflow.flows.retries import RETRY_OPTIONS
from emoflow.flows.task_runner import make_task_runner
from emoflow.models.prediction import plan_prediction, predict_dataset
from emoflow.storage import FeatureStore


@task(
    name="predict",
    task_run_name="predict {dataset} with {run_id}",
    cache_key_fn=predict_key,
    persist_result=True,
    result_serializer="json",
    **RETRY_OPTIONS,
)
def predict_task(store: str, dataset: str, run_id: str, device: str, timelines: bool) -> dict[str, Any]:
    """Make the dataset's features by the run's recipe, predict every utterance, draw the timelines."""
    logger = get_run_logger()
    with device_slot(device):
        result = predict_dataset(
            FeatureStore(store), dataset, run_id, device=device, timelines=timelines, progress=False, log=logger.info
        )
    logger.info(f"{result.table.num_rows} utterances of {dataset} predicted by {run_id}")
    return {
        "run_id": run_id,
        "dataset": dataset,
        "predictions": str(result.path),
        "summaries": [s.as_row() for s in result.summaries],
        "timelines": {d: str(p) for d, p in result.timelines.items()},
        "weighted_f1": result.metrics.weighted_f1 if result.metrics else None,
    }


@flow(name="predict", task_runner=make_task_runner(), log_prints=True)
def predict(
    corpus: str,
    store: Store = "store",
    dataset: Dataset | None = None,
    layout: Layout = "auto",
    model: str | None = None,
    run_id: str | None = None,
    trained_on: Dataset | None = None,
    device: Device = "auto",
    timelines: bool = True,
    options: Options | None = None,
    refresh: bool = False,
) -> dict[str, Any]:
    """Predict an emotion for every utterance of CORPUS with a trained model (its promoted run by default).

    Args:
        corpus: New recordings: a manifest (labels and splits optional), a MELD/IEMOCAP folder, or a folder of
            long recordings (one conversation per media file).
        store: The feature store folder holding the trained run.
        dataset: The recordings' name in the store (default: the corpus folder's name).
        layout: auto, manifest, meld, iemocap or recordings.
        model: A model name; its promoted run for trained_on, else its best run by validation weighted F1.
        run_id: A run id instead of model.
        trained_on: The dataset the model was trained on (default: the only one it was).
        device: auto, cpu, cuda or cuda:N.
        timelines: Draw one timeline PNG per dialogue.
        options: Reader options, e.g. {"speakers": 2, "language": "en"} for long recordings.
        refresh: Run every task even when its result is cached.
    """
    feature_store = FeatureStore(store)
    chosen, how, name = plan_prediction(feature_store, corpus, dataset, run=run_id, model=model, trained_on=trained_on)
    get_run_logger().info(f"model: {chosen} ({how})")
    ingest_stage(corpus, name, store, layout, options, refresh)
    current = any(feature_store.predictions_dir(chosen).glob(f"prediction-{name}.parquet"))
    job = Job(f"predict {name}", predict_task, (store, name, chosen, device, timelines), current)
    (outcome,) = run_jobs(store, [job], refresh=refresh)
    get_run_logger().info(outcome.line())
    result: dict[str, Any] = outcome.result
    publish_predictions(chosen, name, result["summaries"], result["timelines"], result["predictions"])
    publish_errors(store, name, "predict")
    return {**result, "chosen": how, "cached": outcome.cached}
