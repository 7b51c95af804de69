"""Predict: a trained run on new, unlabelled recordings, one emotion per utterance.

The new dataset's features are made with the run's feature recipe (:mod:`emoflow.models.recipe`): the same
extractors and configs, trained stages reused with the run's weights; what the store already holds is not
extracted again. Inputs are standardised with the statistics the checkpoint carries (from the run's train
split), missing modalities are masked as in training, and speakers beyond the most the run was trained with
share its last speaker index. Every utterance's prediction goes to the store's ``predictions`` table (purpose
``prediction``), one summary per dialogue is computed, and one timeline PNG per dialogue is drawn.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from emoflow.core.device import resolve_device
from emoflow.extractors.run import extract_features
from emoflow.models.graph_data import dialogue_graphs
from emoflow.models.recipe import recipe_extractor
from emoflow.models.registry import create_model
from emoflow.models.training.metrics import Metrics, classification_metrics
from emoflow.models.training.plots import plot_timeline
from emoflow.models.training.promotion import read_current
from emoflow.models.training.run_index import stored_runs
from emoflow.models.training.runs import data_spec, load_checkpoint, predictions_table
from emoflow.models.training.trainer import predict
from emoflow.recordings.layouts import ingest_any
from emoflow.storage import FeatureStore
from emoflow.storage.ingest import dataset_name
from emoflow.storage.lineage import make_lineage


@dataclass(frozen=True)
class DialogueSummary:
    """What a dialogue's predictions say at a glance."""

    dialogue_id: str
    utterances: int
    speakers: list[str]
    dominant: str
    emotions: dict[str, int]
    shifts: int
    mean_confidence: float

    def as_row(self) -> dict[str, Any]:
        """A flat row for tables and artifacts."""
        shares = ", ".join(f"{e} {n}" for e, n in self.emotions.items())
        return {
            "dialogue": self.dialogue_id,
            "utterances": self.utterances,
            "speakers": len(self.speakers),
            "dominant": self.dominant,
            "emotions": shares,
            "shifts": self.shifts,
            "mean confidence": round(self.mean_confidence, 3),
        }


@dataclass
class PredictionResult:
    """A run's predictions for one dataset: the rows written, where, the summaries and the timelines."""

    run_id: str
    model: str
    dataset: str
    table: pa.Table
    path: Path
    summaries: list[DialogueSummary]
    timelines: dict[str, Path] = field(default_factory=dict)
    metrics: Metrics | None = None


def choose_run(
    store: FeatureStore, *, run: str | None = None, model: str | None = None, trained_on: str | None = None
) -> tuple[str, str]:
    """The run to predict with, and why it was chosen.

    ``run`` as given; else the promoted ``model`` for ``trained_on``; else that model's run on ``trained_on`` with
    the best validation weighted F1 (``trained_on`` may be left out when the model is trained on one dataset).
    """
    if run:
        load_checkpoint(store, run)  # a clear error for an unknown run
        return run, "given"
    if not model:
        raise ValueError("say which model: --model NAME (with --trained-on DATASET) or --run RUN_ID")
    checkpoints = {r: load_checkpoint(store, r) for r in stored_runs(store) if r.startswith(f"{model}-")}
    datasets = sorted({c["config"]["dataset"] for c in checkpoints.values()})
    if not trained_on:
        if len(datasets) != 1:
            raise ValueError(
                f"{model} is trained on {', '.join(datasets) or 'no dataset'} in {store.root}; "
                "say which with --trained-on DATASET"
            )
        trained_on = datasets[0]
    current = read_current(store, trained_on, model)
    runs = (
        list(current.run_ids)
        if current
        else [r for r, c in checkpoints.items() if c["config"]["dataset"] == trained_on]
    )
    checkpoints.update({r: load_checkpoint(store, r) for r in runs if r not in checkpoints})
    if not runs:
        raise ValueError(
            f"no {model} run trained on {trained_on!r} in {store.root} "
            f"(runs: {', '.join(stored_runs(store)) or 'none'}); train one: emoflow train --dataset {trained_on} "
            f"--model {model}"
        )
    best = max(runs, key=lambda r: checkpoints[r]["val_metrics"]["val_weighted_f1"])
    how = "promoted" if current else "best validation weighted F1 of its runs (none promoted)"
    return best, how


def predict_dataset(
    store: FeatureStore,
    dataset: str,
    run_id: str,
    *,
    device: str = "auto",
    batch_size: int = 32,
    timelines: bool = True,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
) -> PredictionResult:
    """Predict every utterance of ``dataset`` (labelled or not, split or not) with run ``run_id``."""
    checkpoint = load_checkpoint(store, run_id)
    config = checkpoint["config"]
    utterances = store.read_utterances(dataset)
    if utterances.num_rows == 0:
        raise ValueError(f"dataset {dataset!r} has no utterances to predict")
    recipe = config.get("recipe")
    if not recipe:
        raise ValueError(f"run {run_id} records no feature recipe (trained by an older emoflow); train it again")
    features: dict[str, str] = {}
    side_inputs: dict[str, tuple[str, str]] = {}
    for name, entry in recipe.items():
        table_id = _features_for(store, dataset, name, entry, config["dataset"], progress, log)
        if name in config["features"]:
            features[name] = table_id
        else:
            side_inputs[name] = (entry["modality"], table_id)
    present = [m for m, e in features.items() if store.has_features(dataset, m, e)]
    if not present:
        raise ValueError(
            f"dataset {dataset!r} has none of the inputs run {run_id} reads ({', '.join(features)}): "
            "check its transcripts and media paths (the errors table says what failed)"
        )
    absent_dims = dict(config["dims"])  # a modality the new corpus lacks entirely is masked, as in training
    data = dialogue_graphs(
        store, dataset, features, config["classes"], side_inputs, absent_dims=absent_dims, unsplit=True
    )
    if data.dims != config["dims"]:
        raise ValueError(f"run {run_id} expects feature sizes {config['dims']}, {dataset!r} has {data.dims}")
    graphs = [g for split in data.splits.values() for g in split]
    for graph in graphs:
        graph.speaker = graph.speaker.clamp(max=config["num_speakers"] - 1)
    network = create_model(config["model"], data_spec(data, config["num_speakers"]), **config["model_config"])
    network.load_state_dict(checkpoint["state_dict"])
    network.to(resolve_device(device))
    scores = predict(network, graphs, batch_size=batch_size)
    table = predictions_table({"all": scores}, config["classes"], utterances, dataset, "prediction", config["model"])
    lineage = make_lineage(
        "predict",
        run_id=run_id,
        model=config["model"],
        classes=config["classes"],
        features=features,
        trained_on=config["dataset"],
    )
    path = store.write_predictions(run_id, dataset, "prediction", table, lineage)
    labelled = scores.gold >= 0
    metrics = (
        classification_metrics(scores.gold[labelled], scores.predicted[labelled], config["classes"])
        if labelled.any()
        else None
    )
    summaries = dialogue_summaries(table)
    drawn = draw_timelines(store, run_id, dataset, table) if timelines else {}
    return PredictionResult(run_id, config["model"], dataset, table, path, summaries, drawn, metrics)


def _features_for(
    store: FeatureStore,
    dataset: str,
    name: str,
    entry: dict[str, Any],
    trained_on: str,
    progress: bool,
    log: Callable[[str], None] | None,
) -> str:
    """The feature table id of input ``name`` for ``dataset``, extracted by the recipe when needed."""
    if dataset == trained_on:
        return str(entry["id"])  # the run's own features
    try:
        extractor = recipe_extractor(name, entry)
    except ValueError:
        if store.has_features(dataset, entry["modality"], entry["id"]):
            return str(entry["id"])  # stored by other code under the run's id
        raise
    report = extract_features(store, dataset, extractor, progress=progress)
    if log:
        log(report.summary())
    return extractor.extractor_id


def dialogue_turns(table: pa.Table) -> dict[str, list[dict[str, Any]]]:
    """A predictions table's rows per dialogue (in the table's order), each dialogue's in turn order."""
    by_dialogue: dict[str, list[dict[str, Any]]] = {}
    for row in table.to_pylist():
        by_dialogue.setdefault(row["dialogue_id"], []).append(row)
    return {d: sorted(turns, key=lambda r: r["turn"] or 0) for d, turns in by_dialogue.items()}


def dialogue_summaries(table: pa.Table) -> list[DialogueSummary]:
    """One summary per dialogue of a predictions table, in the table's order."""
    summaries = []
    for dialogue_id, turns in dialogue_turns(table).items():
        emotions = Counter(r["predicted"] for r in turns)
        shifts = sum(a["predicted"] != b["predicted"] for a, b in pairwise(turns))
        summaries.append(
            DialogueSummary(
                dialogue_id,
                len(turns),
                list(dict.fromkeys(r["speaker"] for r in turns)),
                emotions.most_common(1)[0][0],
                dict(emotions.most_common()),
                shifts,
                sum(r["confidence"] for r in turns) / len(turns),
            )
        )
    return summaries


def draw_timelines(store: FeatureStore, run_id: str, dataset: str, table: pa.Table) -> dict[str, Path]:
    """One timeline PNG per dialogue under ``timelines/run=<run>/dataset=<dataset>/``; dialogue id -> path."""
    folder = store.root / "timelines" / f"run={run_id}" / f"dataset={dataset}"
    segments = recording_segments(store, dataset)
    paths = {}
    for dialogue_id, turns in dialogue_turns(table).items():
        path = folder / f"{safe_file_name(dialogue_id)}.png"
        timed = [segments[t["utterance_id"]] for t in turns if t["utterance_id"] in segments]
        if len(timed) == len(turns) and len({media for media, _, _ in timed}) == 1:  # one long recording
            turns = [{**t, "start_s": start, "end_s": end} for t, (_, start, end) in zip(turns, timed, strict=True)]
        plot_timeline(turns, path, f"{dialogue_id}: predicted emotion per turn ({turns[0]['model']}, {run_id})")
        paths[dialogue_id] = path
    return paths


def recording_segments(store: FeatureStore, dataset: str) -> dict[str, tuple[str | None, float, float]]:
    """Utterance id -> (media file, start, end) for the utterances that are timed segments of a media file."""
    utterances = store.read_utterances(dataset).select(["utterance_id", "video_path", "audio_path", "start_s", "end_s"])
    return {
        row["utterance_id"]: (row["video_path"] or row["audio_path"], row["start_s"], row["end_s"])
        for row in utterances.to_pylist()
        if row["start_s"] is not None and row["end_s"] is not None
    }


def safe_file_name(name: str) -> str:
    """``name`` as a file name that stays in its folder: letters, digits and ``_.+-``, no leading dot."""
    cleaned = re.sub(r"[^A-Za-z0-9_.+-]", "_", name).lstrip(".") or "_"
    return cleaned[:120]


def summary_table(summaries: Sequence[DialogueSummary]) -> pa.Table:
    """The summaries as an Arrow table (printed by the CLI, published by the flow)."""
    return pa.Table.from_pylist([s.as_row() for s in summaries])


def plan_prediction(
    store: FeatureStore,
    corpus: Path | str,
    dataset: str | None,
    *,
    run: str | None = None,
    model: str | None = None,
    trained_on: str | None = None,
) -> tuple[str, str, str]:
    """The run (and why it was chosen) and the dataset name for predicting ``corpus``, checked before any work.

    The dataset may not be the one the run was trained on: ingesting new recordings under that name would
    replace the training data.
    """
    run_id, how = choose_run(store, run=run, model=model, trained_on=trained_on)
    dataset = dataset or dataset_name(corpus)
    if dataset == load_checkpoint(store, run_id)["config"]["dataset"]:
        raise ValueError(
            f"dataset {dataset!r} is what run {run_id} was trained on; ingesting {corpus} under that name would "
            "replace it: choose another --dataset"
        )
    return run_id, how, dataset


def predict_corpus(
    corpus: Path | str,
    store: FeatureStore,
    *,
    dataset: str | None = None,
    layout: str = "auto",
    run: str | None = None,
    model: str | None = None,
    trained_on: str | None = None,
    device: str = "auto",
    timelines: bool = True,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
    reader_options: Mapping[str, Any] | None = None,
) -> PredictionResult:
    """Ingest ``corpus`` (labels and splits optional) as ``dataset`` and predict it with the chosen run.

    The run and the dataset name come from :func:`plan_prediction`; ``reader_options`` go to the layout's reader
    (for long recordings: ``speakers``, ``asr_model``, ``language``).
    """
    run_id, how, dataset = plan_prediction(store, corpus, dataset, run=run, model=model, trained_on=trained_on)
    report = ingest_any(corpus, dataset, store, layout=layout, progress=progress, **dict(reader_options or {}))
    if log:
        log(report.summary())
        log(f"model: {run_id} ({how})")
    return predict_dataset(store, dataset, run_id, device=device, timelines=timelines, progress=progress, log=log)


def write_predictions_file(table: pa.Table, path: Path) -> Path:
    """The predictions as ``.parquet`` (as stored) or ``.csv`` (one ``p_<class>`` column per class's probability)."""
    path = Path(path)
    if path.suffix == ".parquet":
        pq.write_table(table, path)
        return path
    if path.suffix != ".csv":
        raise ValueError(f"{path}: predictions are written as .csv or .parquet")
    classes = table.column("classes")[0].as_py() if table.num_rows else []
    flat = table.drop_columns(["probabilities", "classes"])
    probabilities = table.column("probabilities").to_pylist()
    for i, name in enumerate(classes):
        flat = flat.append_column(f"p_{name}", pa.array([p[i] for p in probabilities], pa.float32()))
    pacsv.write_csv(flat, path)
    return path
