"""The ``ingest-corpus`` flow: a corpus (manifest, MELD or IEMOCAP layout) into the store's utterances table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task

from emoflow.flows.artifacts import publish_errors, publish_paths, publish_recording, recording_summary
from emoflow.flows.cache_keys import ingest_key, recording_analysis_key
from emoflow.flows.outcomes import Job, Outcome, run_jobs, summary
from emoflow.flows.parameters import Dataset, Layout, Options, Store
from emoflow.flows.retries import RETRY_OPTIONS
from emoflow.flows.task_runner import make_task_runner
from emoflow.recordings.audio import RecordingError
from emoflow.recordings.ingest import (
    LAYOUT,
    RecordingFiles,
    RecordingOptions,
    analyse_cached,
    analysis_cache_path,
    find_recordings,
)
from emoflow.recordings.layouts import detect_any_layout, ingest_any
from emoflow.storage import FeatureStore
from emoflow.storage.corpora import check_corpus_exists
from emoflow.storage.hashing import FileDigests


@task(
    name="analyse-recording",
    task_run_name="analyse {recording.media}",
    cache_key_fn=recording_analysis_key,
    persist_result=True,
    result_serializer="json",
    **RETRY_OPTIONS,
)
def analyse_recording_task(
    corpus: str, recording: RecordingFiles, store: str, dataset: str, options: dict[str, Any]
) -> dict[str, Any]:
    """Segments, speakers and words of one long recording, cached in the store; a summary, or the error."""
    try:
        analysis, _ = analyse_cached(
            FeatureStore(store),
            Path(corpus),
            recording,
            RecordingOptions.from_options(**options),
            FileDigests(FeatureStore(store).cache_dir("file-digests")),
        )
    except RecordingError as error:
        get_run_logger().warning(str(error))
        return {"recording": recording.media.as_posix(), "error": str(error)}
    summary = recording_summary(analysis)
    publish_recording(dataset, recording.dialogue_id, summary)
    return summary


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
    report = ingest_any(corpus, dataset, feature_store, layout=layout, progress=False, **options)
    get_run_logger().info(report.summary())
    return {
        "path": str(feature_store.utterances_path(dataset)),
        "rows_read": report.rows_read,
        "rows_ingested": report.rows_ingested,
        "unchanged": report.unchanged,
        "problems": len(report.problems),
    }


def ingest_stage(
    corpus: str,
    dataset: str,
    store: str,
    layout: str = "auto",
    options: dict[str, Any] | None = None,
    refresh: bool = False,
) -> Outcome:
    """Submit the ingest task (from the cache when the corpus files did not change, unless ``refresh``).

    A folder of long recordings first fans out one cached analysis task per recording (VAD, ASR, speakers),
    each publishing a summary artifact; the ingest task then reads their results from the store's cache. A corpus
    that is not there fails the flow at once, naming the folder a relative path was looked for in.
    """
    check_corpus_exists(corpus)
    if (layout == "auto" and Path(corpus).is_dir() and detect_any_layout(Path(corpus)) == LAYOUT) or layout == LAYOUT:
        analyse_recordings_stage(corpus, dataset, store, options or {}, refresh)
    utterances = FeatureStore(store).utterances_path(dataset)
    job = Job(f"ingest {dataset}", ingest_task, (corpus, dataset, store, layout, options or {}), utterances.is_file())
    (outcome,) = run_jobs(store, [job], refresh=refresh)
    get_run_logger().info(outcome.line())
    return outcome


def analyse_recordings_stage(corpus: str, dataset: str, store: str, options: dict[str, Any], refresh: bool) -> None:
    """One analysis task per recording of the folder ``corpus``, fanned out on the flow's task runner."""
    recordings, _ = find_recordings(Path(corpus))
    feature_store = FeatureStore(store)
    digests = FileDigests(feature_store.cache_dir("file-digests"))
    settings = RecordingOptions.from_options(**options)
    jobs = [
        Job(
            f"analyse {r.media}",
            analyse_recording_task,
            (corpus, r, store, dataset, options),
            analysis_cache_path(feature_store, Path(corpus), r, settings, digests).is_file(),
        )
        for r in recordings
    ]
    digests.save()
    outcomes = run_jobs(store, jobs, refresh=refresh, progress=f"analyse {dataset} recordings")
    get_run_logger().info(summary(outcomes) + " (recording analyses)")


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
        corpus: A manifest (.csv/.parquet, or a folder holding manifest.csv), a folder in MELD's or
            IEMOCAP's layout, or a folder of long recordings (one conversation per media file).
        dataset: The dataset's name in the store.
        store: The feature store folder.
        layout: auto, manifest, meld, iemocap or recordings.
        options: Reader options, e.g. {"val_fraction": 0.1, "seed": 0} for IEMOCAP, {"speakers": 2,
            "asr_model": "whisper-base", "language": "de"} for recordings.
        refresh: Ingest even when the corpus files did not change.
    """
    outcome = ingest_stage(corpus, dataset, store, layout, options, refresh)
    publish_paths("ingest", [outcome.result["path"]], f"{dataset}: utterances table")
    publish_errors(store, dataset, "ingest")
    return outcome.result
