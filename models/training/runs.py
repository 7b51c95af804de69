"""Training and evaluation runs: from the store's features to a checkpoint, metrics, plots and predictions.

A run is one model trained with one seed. Its folder ``runs/<run id>/`` holds ``config.json`` (everything needed
to rebuild it), ``checkpoint.pt`` (``{state_dict, config, epoch, val_metrics}`` of the validation-selected
epoch), ``metrics.json`` (validation and test metrics, training history), ``report.md`` (the papers' per-class
table), ``MODEL_CARD.md``, ``confusion.png`` and ``curves.png``. Its val/test predictions, with probabilities,
go to ``predictions/run=<run id>/evaluation-<dataset>.parquet``. The run id is
``<model>-<dataset>-<digest>-s<seed>``; the digest covers the dataset and its utterance table's fingerprint
(labels included), the feature tables (their extractor ids and input fingerprints), the resolved configs, the
classes and the code (:data:`TRAINING_MODULES` and the model's modules), so the same run trained again, from any
clone, lands in the same folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import torch

from emoflow.core.code_digest import code_identity
from emoflow.core.device import resolve_device, seeded
from emoflow.core.out_of_memory import halve_batch_on_oom
from emoflow.models.base import DataSpec, DialogueModel
from emoflow.models.graph_data import (
    GraphDataset,
    dialogue_graphs,
    resolve_features,
    resolve_side_inputs,
    split_streams,
)
from emoflow.models.recipe import feature_recipe
from emoflow.models.registry import create_model, model_class
from emoflow.models.registry import model_config as build_config
from emoflow.models.training.metrics import (
    MajorityBaseline,
    Metrics,
    classification_metrics,
    majority_baseline,
    paper_table,
)
from emoflow.models.training.model_card import CARD_FILE, model_card
from emoflow.models.training.plots import plot_confusion, plot_curves
from emoflow.models.training.run_index import check_run
from emoflow.models.training.settings import TrainConfig, load_settings
from emoflow.models.training.trainer import FitResult, fit, predict
from emoflow.storage import FeatureStore
from emoflow.storage.atomic import atomic_path, write_text_atomic
from emoflow.storage.hashing import json_digest
from emoflow.storage.lineage import make_lineage
from emoflow.storage.schema import PREDICTIONS

NOT_IN_RUN_ID = ("settings", "recipe")
"""Recorded in ``config.json`` but not digested: where the settings came from (their values are in the config)
and the feature recipe (read from the feature tables, whose ids and fingerprints are digested)."""
TRAINING_MODULES = ("emoflow.models.training.trainer", "emoflow.models.graph_data")
"""Code besides the model's own modules that decides what a run learns (its digest is part of the run id)."""


@dataclass
class RunResult:
    """One finished run: where it lives, the selected epoch and its validation and test metrics."""

    run_id: str
    seed: int
    run_dir: Path
    epoch: int
    val: Metrics
    test: Metrics | None
    predictions: Path | None = None
    majority: MajorityBaseline | None = None

    def summary(self) -> str:
        """One line: test weighted F1 first (validation when there is no test split)."""
        scored, name = (self.test, "test") if self.test else (self.val, "val")
        return (
            f"{self.run_id}: {name} weighted F1 {100 * scored.weighted_f1:.2f}, "
            f"accuracy {100 * scored.accuracy:.2f}, macro F1 {100 * scored.macro_f1:.2f} "
            f"(epoch {self.epoch}, val weighted F1 {100 * self.val.weighted_f1:.2f})"
        )


@dataclass
class RunPlan:
    """Everything a run needs but its seed: the loaded data and the resolved configs.

    ``config`` is what the run id digests: the dataset and its utterance table's fingerprint (labels included),
    the feature tables with their input fingerprints, classes, sizes and the model and training configs.
    """

    data: GraphDataset
    spec: DataSpec
    train_config: TrainConfig
    config: dict[str, Any]

    def run_id(self, seed: int) -> str:
        """``<model>-<dataset>-<digest>-s<seed>``: the same plan and seed always name the same run."""
        identity = {k: v for k, v in self.config.items() if k not in NOT_IN_RUN_ID}
        return f"{self.config['model']}-{self.config['dataset']}-{digest({**identity, 'seed': seed})}-s{seed}"


def plan_runs(
    store: FeatureStore,
    dataset: str,
    model: str,
    modalities: Sequence[str],
    *,
    features: Mapping[str, str] | None = None,
    settings: str | None = None,
    model_overrides: Mapping[str, Any] | None = None,
    train_overrides: Mapping[str, Any] | None = None,
) -> RunPlan:
    """Load ``dataset``'s features for ``modalities`` and resolve ``model``'s settings (validating every option).

    ``features`` names a modality's table, or several joined by ``+`` (the first is the main table, the others
    are appended to it as feature streams, :mod:`emoflow.models.graph_data`). ``settings`` is a model name or a
    YAML path (default: ``configs/models/<model>.yaml``); the overrides replace single values of its ``model``
    and ``train`` sections.
    """
    store.sweep_leftovers()
    loaded = load_settings(settings or model)
    model_config = {**loaded.model, **(model_overrides or {})}
    wanted = model_class(model).side_inputs(build_config(model, **model_config))  # validates the options
    resolved, streams = split_streams(resolve_features(store, dataset, list(modalities), features))
    side_inputs = resolve_side_inputs(store, dataset, wanted | {n: e for n, (_, e) in streams.items()})
    for name, (modality, extractor) in streams.items():
        if side_inputs[name][0] != modality:
            raise ValueError(f"feature stream {extractor!r} is a {side_inputs[name][0]} table, not a {modality} one")
    data = dialogue_graphs(store, dataset, resolved, side_inputs=side_inputs)
    train_config = TrainConfig.from_dict({**loaded.train, **(train_overrides or {})})
    spec = data_spec(data, most_speakers(data))
    network = create_model(model, spec, **model_config)
    config = {
        "dataset": dataset,
        "utterances": store.utterances_lineage(dataset).get("fingerprint"),
        "model": model,
        "features": resolved,
        "fingerprints": {m: store.features_fingerprint(dataset, m, e) for m, e in resolved.items()},
        "classes": data.classes,
        "dims": data.dims,
        "num_speakers": spec.num_speakers,
        "model_config": network.config_dict(),
        "train_config": {k: v for k, v in asdict(train_config).items() if k not in ("device", "amp")},
        "settings": loaded.source,
        "code": code_identity(type(network).__module__, *TRAINING_MODULES),
    }
    if side_inputs:  # only when present, so that the other models' run ids stay as they were
        fingerprint = store.features_fingerprint
        config["side_inputs"] = {n: [m, e, fingerprint(dataset, m, e)] for n, (m, e) in side_inputs.items()}
    config["recipe"] = feature_recipe(store, dataset, resolved, side_inputs)
    if network.variant():
        config["variant"] = network.variant()
    return RunPlan(data, spec, train_config, config)


def train_run(
    store: FeatureStore,
    plan: RunPlan,
    seed: int,
    *,
    progress: bool = True,
    on_epoch: Callable[[dict[str, float]], None] | None = None,
) -> RunResult:
    """Train the plan's model with ``seed``, select its epoch on val, score test once, write the run.

    ``on_epoch`` receives each epoch's record (see :func:`models.training.trainer.fit`).
    """
    run_id = plan.run_id(seed)
    model = plan.config["model"]

    def attempt(batch_size: int) -> tuple[DialogueModel, FitResult, TrainConfig]:
        train_config = replace(plan.train_config, batch_size=batch_size)
        with seeded(seed):  # before the weights are initialised, until the last epoch
            network = create_model(model, plan.spec, **plan.config["model_config"])
            network.set_feature_statistics(plan.data.splits["train"])
            result = fit(
                network,
                plan.data.splits["train"],
                plan.data.splits["val"],
                train_config,
                seed=seed,
                progress=progress,
                desc=f"{model} seed {seed}",
                on_epoch=on_epoch,
            )
        return network, result, train_config

    network, result, train_config = halve_batch_on_oom(attempt, plan.train_config.batch_size, f"training {run_id}")
    config = {**plan.config, "seed": seed, "run_id": run_id}
    if train_config.batch_size != plan.train_config.batch_size:  # the weights came from the halved batch
        config["batch_size_after_out_of_memory"] = train_config.batch_size
    return _write_run(store, run_id, config, network, plan.data, result, train_config)


def train_runs(
    store: FeatureStore,
    dataset: str,
    model: str,
    modalities: Sequence[str],
    *,
    seeds: Sequence[int] = (1,),
    progress: bool = True,
    **options: Any,
) -> list[RunResult]:
    """Train ``model`` on ``dataset`` once per seed; ``options`` are :func:`plan_runs`'s."""
    if not seeds:
        raise ValueError("give at least one seed")
    plan = plan_runs(store, dataset, model, modalities, **options)
    return [train_run(store, plan, seed, progress=progress) for seed in seeds]


def evaluate_run(store: FeatureStore, run_id: str, *, device: str = "auto", batch_size: int = 32) -> RunResult:
    """Re-score a stored run with its checkpoint: rewrite its metrics, plots, report and predictions."""
    run_dir = store.run_dir(run_id)
    checkpoint = load_checkpoint(store, run_id)
    config = checkpoint["config"]
    side_inputs = {n: (m, e) for n, (m, e, _) in config.get("side_inputs", {}).items()}
    data = dialogue_graphs(store, config["dataset"], config["features"], config["classes"], side_inputs)
    if data.dims != config["dims"]:
        raise ValueError(f"run {run_id}: feature sizes are now {data.dims}, the checkpoint expects {config['dims']}")
    spec = data_spec(data, config["num_speakers"])
    network = create_model(config["model"], spec, **config["model_config"])
    network.load_state_dict(checkpoint["state_dict"])
    stored = json.loads((run_dir / "metrics.json").read_text())
    result = FitResult(
        checkpoint["state_dict"],
        checkpoint["epoch"],
        checkpoint["val_metrics"],
        stored["history"],
        stored.get("pretrain_history", []),
    )
    train_config = replace(TrainConfig.from_dict(config["train_config"]), device=device, batch_size=batch_size)
    return _write_run(store, run_id, config, network, data, result, train_config, save_checkpoint=False)


def load_checkpoint(store: FeatureStore, run_id: str) -> dict[str, Any]:
    """A run's checkpoint ``{state_dict, config, epoch, val_metrics}`` (tensors only: nothing in it can run code)."""
    check_run(store, run_id)
    path = store.run_dir(run_id) / "checkpoint.pt"
    checkpoint: dict[str, Any] = torch.load(path, map_location="cpu", weights_only=True)
    return checkpoint


def _write_run(
    store: FeatureStore,
    run_id: str,
    config: dict[str, Any],
    network: DialogueModel,
    data: GraphDataset,
    result: FitResult,
    train_config: TrainConfig,
    *,
    save_checkpoint: bool = True,
) -> RunResult:
    """Score val and test with the selected weights (test exactly once) and write every output of the run."""
    network.to(resolve_device(train_config.device))
    run_dir = store.run_dir(run_id)
    run_dir.mkdir(parents=True, exist_ok=True)
    scored = {s: predict(network, data.splits[s], batch_size=train_config.batch_size) for s in ("val", "test")}
    metrics = {s: classification_metrics(v.gold, v.predicted, data.classes) for s, v in scored.items() if _labelled(v)}
    train = data.splits.get("train") or []
    train_gold = torch.cat([graph.y for graph in train]).numpy() if train else np.zeros(0, np.int64)
    majority = majority_baseline(train_gold, data.classes, metrics)
    write_text_atomic(run_dir / "config.json", json.dumps(config, indent=2, sort_keys=True) + "\n")
    if save_checkpoint:  # re-scoring leaves the weights file as it is (its bytes key the evaluation cache)
        checkpoint = {
            "state_dict": result.state_dict,
            "config": config,
            "epoch": result.epoch,
            "val_metrics": result.val_metrics,
        }
        with atomic_path(run_dir / "checkpoint.pt") as partial:
            torch.save(checkpoint, partial)
    report = {
        "run_id": run_id,
        "epoch": result.epoch,
        **{s: m.as_dict() for s, m in metrics.items()},
        "majority_baseline": majority.as_dict(),
        "history": result.history,
        "pretrain_history": result.pretrain_history,
    }
    write_text_atomic(run_dir / "metrics.json", json.dumps(report, indent=2) + "\n")
    title = f"{config['model']} on {config['dataset']} ({', '.join(config['features'])}), seed {config['seed']}"
    rows = {f"{run_id} {s}": m for s, m in metrics.items()}
    variant = f"Variant: {config['variant']}.\n\n" if config.get("variant") else ""
    report_text = f"# {title}\n\n{variant}Selected epoch {result.epoch}.\n\n{paper_table(rows)}\n"
    write_text_atomic(run_dir / "report.md", report_text)
    sizes = {s: (len(g), sum(x.num_nodes for x in g)) for s, g in data.splits.items() if g}
    card = model_card(config, metrics, sizes, result.epoch, len(result.history), majority)
    write_text_atomic(run_dir / CARD_FILE, card)
    shown = metrics.get("test") or metrics["val"]
    plot_confusion(shown, run_dir / "confusion.png", f"{title}, {'test' if 'test' in metrics else 'val'}")
    plot_curves(result.history, result.epoch, run_dir / "curves.png", title)
    dataset = config["dataset"]
    predictions = store.write_predictions(
        run_id,
        dataset,
        "evaluation",
        predictions_table(scored, data.classes, store.read_utterances(dataset), dataset, "evaluation", config["model"]),
        make_lineage(
            "train",
            run_id=run_id,
            model=config["model"],
            classes=data.classes,
            features=config["features"],
            epoch=result.epoch,
        ),
    )
    return RunResult(
        run_id, config["seed"], run_dir, result.epoch, metrics["val"], metrics.get("test"), predictions, majority
    )


def predictions_table(
    scored: Mapping[str, Any], classes: Sequence[str], utterances: pa.Table, dataset: str, purpose: str, model: str
) -> pa.Table:
    """One row per scored utterance (:data:`~emoflow.storage.schema.PREDICTIONS`).

    Who said it when, the gold label (null when unlabelled), the prediction, its probability and every class's,
    the class order and the model.
    """
    turn_speaker = dict(
        zip(
            utterances.column("utterance_id").to_pylist(),
            zip(utterances.column("turn").to_pylist(), utterances.column("speaker").to_pylist(), strict=True),
            strict=True,
        )
    )
    columns: dict[str, list[Any]] = {k: [] for k in ("utterance_id", "dialogue_id", "split", "label", "predicted")}
    probabilities = []
    for scores in scored.values():
        columns["utterance_id"] += scores.utterance_ids
        columns["dialogue_id"] += scores.dialogue_ids
        columns["split"] += [s or None for s in scores.splits]
        columns["label"] += [classes[g] if g >= 0 else None for g in scores.gold]
        columns["predicted"] += [classes[p] for p in scores.predicted]
        probabilities.append(scores.probabilities.astype(np.float32))
    flat = np.concatenate(probabilities) if probabilities else np.zeros((0, len(classes)), np.float32)
    n = len(columns["utterance_id"])
    return pa.table(
        {
            "dataset": [dataset] * n,
            "purpose": [purpose] * n,
            "utterance_id": columns["utterance_id"],
            "dialogue_id": columns["dialogue_id"],
            "turn": [turn_speaker[u][0] for u in columns["utterance_id"]],
            "speaker": [turn_speaker[u][1] for u in columns["utterance_id"]],
            "split": columns["split"],
            "label": columns["label"],
            "predicted": columns["predicted"],
            "confidence": flat.max(axis=1) if n else np.zeros(0, np.float32),
            "probabilities": pa.array(list(flat), type=pa.list_(pa.float32())),
            "classes": [list(classes)] * n,
            "model": [model] * n,
        },
        schema=PREDICTIONS,
    )


def seed_summary(results: Sequence[RunResult]) -> dict[str, tuple[float, float]]:
    """Mean and standard deviation over runs of the test (else val) accuracy, weighted F1 and macro F1, in %."""
    summary = {}
    for key in ("weighted_f1", "accuracy", "macro_f1"):
        values = np.array([100 * getattr(r.test or r.val, key) for r in results])
        summary[key] = (float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else 0.0)
    return summary


def data_spec(data: GraphDataset, num_speakers: int) -> DataSpec:
    """The sizes, class names and side-input sizes a model is built from."""
    return DataSpec(data.dims, len(data.classes), num_speakers, tuple(data.classes), data.side_dims)


def most_speakers(data: GraphDataset) -> int:
    """The most speakers any dialogue of the dataset has (at least 2)."""
    counts = [int(g.speaker.max()) + 1 for graphs in data.splits.values() for g in graphs if g.num_nodes]
    return max([2, *counts])


def digest(config: Mapping[str, Any]) -> str:
    """Short BLAKE2b of a JSON-able config."""
    return json_digest(config, digest_size=5)


def _labelled(scores: Any) -> bool:
    return bool((scores.gold >= 0).any())
