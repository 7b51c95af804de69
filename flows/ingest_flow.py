"""The ``ingest-corpus`` flow: a corpus (manifest, MELD or IEMOCAP layout) into the store's utterances table."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task

from emoflow.flows.artifacts import publish_errors, publish_paths
from emoflow.flows.cache_keys import ingest_key
from emoflow.flows.outcomes import Job, Outcome, run_jobs
from emoflow.flows.parameters import Dataset, Layout, Options, Store
from emoflow.flows.retries import RETRY_OPTIONS
from emoflow.flows.task_runner import make_task_runner
from emoflow.storage import FeatureStore
from emoflow.storage.ingest import ingest_corpus as ingest_into_store


@task(
    name="ingest",
    task_run_name="ingest {dataset}",
    cache_key_fn=ingest_key,
    persist_result=True,
    result_serializer="json",
    **RETRY_OPTIONS,
)
def ingest_task(corpus: str, dataset: str, store: str, layout: str, options: dict[str, Any]) -> dict[str, Any]:
    """Ingest ``corpus``; returns the utterances table's path and the counts."""
    feature_store = FeatureStore(store)
    report = ingest_into_store(corpus, dataset, feature_store, layout=layout, progress=False, **options)
    get_run_logger().info(report.summary())
    return {
        "path": str(feature_store.utterances_path(dataset)),
        "rows_read": report.rows_read,
        "rows_ingested": report.rows_ingested,
        "unchanged": report.unchanged,
        "problems": len(report.problems),
    }


def ingest_stage(
    corpus: str, dataset: str, store: str, layout: str = "auto", options: dict[str, Any] | None = None,
    refresh: bool = False,
) -> Outcome:  # fmt: skip
    """Submit the ingest task (from the cache when the corpus files did not change, unless ``refresh``)."""
    utterances = FeatureStore(store).utterances_path(dataset)
    job = Job(f"ingest {dataset}", ingest_task, (corpus, dataset, store, layout, options or {}), utterances.is_file())
    (outcome,) = run_jobs(store, [job], refresh=refresh)
    get_run_logger().info(outcome.line())
    return outcome


@flow(name="ingest-corpus", task_runner=make_task_runner(), log_prints=True)
def ingest_corpus(
    corpus: str,
    dataset: Dataset,
    store: Store = "store",
    layout: Layout = "auto",
    options: Options | None = None,
    refresh: bool = False,
) -> dict[str, Any]:
    """Ingest CORPUS as DATASET into STORE: utterances, splits, labels, content hashes; problem rows to errors.

    Args:
        corpus: A manifest (.csv/.parquet, or a folder holding manifest.csv), or a folder in MELD's or
            IEMOCAP's layout.
        dataset: The dataset's name in the store.
        store: The feature store folder.
        layout: auto, manifest, meld or iemocap.
        options: Reader options, e.g. {"val_fraction": 0.1, "seed": 0} for IEMOCAP.
        refresh: Ingest even when the corpus files did not change.
    """
    outcome = ingest_stage(corpus, dataset, store, layout, options, refresh)
    publish_paths("ingest", [outcome.result["path"]], f"{dataset}: utterances table")
    publish_errors(store, dataset, "ingest")
    return outcome.result
