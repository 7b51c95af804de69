"""The ``evaluate-model`` flow: re-score stored runs with their checkpoints on the store's current features."""

from __future__ import annotations

from typing import Annotated, Any

from prefect import flow, get_run_logger, task
from pydantic import Field

from emoflow.flows.artifacts import publish_paths, publish_run
from emoflow.flows.cache_keys import evaluate_key
from emoflow.flows.device_slot import device_slot
from emoflow.flows.outcomes import Job, Outcome, run_jobs, summary
from emoflow.flows.parameters import Device, Store
from emoflow.flows.retries import RETRY_OPTIONS
from emoflow.flows.task_runner import make_task_runner
from emoflow.flows.train_flow import run_record
from emoflow.models.training.metrics import paper_table
from emoflow.models.training.runs import evaluate_run
from emoflow.storage import FeatureStore


@task(
    name="evaluate",
    task_run_name="evaluate {run_id}",
    cache_key_fn=evaluate_key,
    persist_result=True,
    result_serializer="json",
    **RETRY_OPTIONS,
)
def evaluate_task(store: str, run_id: str, device: str = "auto") -> dict[str, Any]:
    """Re-score one run; returns its metrics and predictions paths and the per-split weighted F1."""
    feature_store = FeatureStore(store)
    with device_slot(device):
        result = evaluate_run(feature_store, run_id, device=device)
    rows = {"val": result.val, **({"test": result.test} if result.test else {})}
    get_run_logger().info(f"{result.summary()}\n{paper_table(rows)}")
    return run_record(feature_store, result)


def evaluate_stage(store: str, run_ids: list[str], device: str = "auto", refresh: bool = False) -> list[Outcome]:
    """Evaluate each run as a task (from the cache when its checkpoint and features did not change)."""
    feature_store = FeatureStore(store)
    jobs = [
        Job(f"evaluate {r}", evaluate_task, (store, r, device), (feature_store.run_dir(r) / "metrics.json").is_file())
        for r in run_ids
    ]
    outcomes = run_jobs(store, jobs, refresh=refresh)
    get_run_logger().info(f"evaluation: {summary(outcomes)}")
    return outcomes


@flow(name="evaluate-model", task_runner=make_task_runner(), log_prints=True)
def evaluate_model(
    run_ids: Annotated[list[str], Field(min_length=1, description="Run ids (folders of <store>/runs).")],
    store: Store = "store",
    device: Device = "auto",
    refresh: bool = False,
) -> list[dict[str, Any]]:
    """Re-score RUN_IDS: metrics, report, plots and predictions rewritten; metrics and confusion as artifacts.

    Args:
        run_ids: The runs to evaluate.
        store: The feature store folder.
        device: auto, cpu, cuda or cuda:N.
        refresh: Evaluate again even when nothing changed.
    """
    outcomes = evaluate_stage(store, run_ids, device, refresh)
    for outcome in outcomes:
        publish_run(FeatureStore(store).run_dir(outcome.result["run_id"]), "evaluate")
    publish_paths("evaluate", [o.result["metrics"] for o in outcomes], "metrics written")
    return [o.result for o in outcomes]
