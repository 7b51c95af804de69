"""Every option of a training or prediction request, checked before any work starts (no torch, no PyG).

The commands call these before importing a model, and the flows at their start, so that a bad model name,
model or training option, dataset, feature table or run is one line naming it and what is allowed, in about a
second, instead of after ingestion and extraction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from emoflow.models.feature_tables import resolve_features
from emoflow.models.registry import MODELS, model_config
from emoflow.models.training.run_index import check_run, run_infos
from emoflow.models.training.settings import TrainConfig, load_settings
from emoflow.storage import FeatureStore


def check_model_name(model: str) -> None:
    """An unknown model is an error listing the models."""
    if model not in MODELS.names():
        raise ValueError(f"unknown model {model!r}; models: {', '.join(MODELS.names())}")


def check_model_options(
    models: Sequence[str],
    *,
    settings: str | None = None,
    model_overrides: Mapping[str, Any] | None = None,
    train_overrides: Mapping[str, Any] | None = None,
) -> None:
    """Check each model's name and options (names, types and ranges, against the ``Config`` dataclasses).

    The options are the model's settings file with ``model_overrides``, and its training settings with
    ``train_overrides``.
    """
    for model in models:
        check_model_name(model)
        loaded = load_settings(settings or model)
        model_config(model, **{**loaded.model, **(model_overrides or {})})
        TrainConfig.from_dict({**loaded.train, **(train_overrides or {})})


def check_training_data(
    store: FeatureStore, dataset: str, modalities: Sequence[str], features: Mapping[str, str] | None = None
) -> None:
    """Check that the dataset is in the store (else list the ingested ones) and each modality's feature table.

    A modality's table must be there, or be chosen with ``--features`` where the store holds several.
    """
    store.read_utterances(dataset)
    resolve_features(store, dataset, modalities, features)


def check_prediction_model(store: FeatureStore, *, run: str | None = None, model: str | None = None) -> None:
    """The run exists, or the model is a known one with at least one run in the store."""
    if run:
        check_run(store, run)
        return
    if not model:
        raise ValueError("say which model: --model NAME (with --trained-on DATASET) or --run RUN_ID")
    check_model_name(model)
    if not run_infos(store, model=model):
        trained = sorted({i.model for i in run_infos(store)})
        raise ValueError(
            f"no {model} run in {store.root} (models trained there: {', '.join(trained) or 'none'}); "
            f"train one: emoflow train --dataset DATASET --model {model}"
        )


def check_pipeline_options(
    *,
    corpus: str | None = None,
    profile: str = "offline",
    modalities: Sequence[str] | None = None,
    train_modalities: Sequence[str] | None = None,
    extractor_overrides: Mapping[str, Any] | None = None,
    models: Sequence[str] | None = None,
    epochs: int | None = None,
    model_overrides: Mapping[str, Any] | None = None,
    train_overrides: Mapping[str, Any] | None = None,
    device: str = "auto",
    **_: Any,
) -> None:
    """What the ``pipeline`` (and ``retrain``) flow will use: the extractor plan, the models and their options.

    Takes the flow's parameters; those it does not check (the store, the chunk size) are ignored.
    """
    from emoflow.extractors.profiles import check_plan
    from emoflow.storage.corpora import check_corpus_exists
    from emoflow.storage.schema import MODALITIES

    if corpus is not None:
        check_corpus_exists(corpus)
    extracted = list(modalities or MODALITIES)
    if set(train_modalities or []) - set(extracted):
        raise ValueError(
            f"train_modalities {list(train_modalities or [])} must be among the extracted modalities {extracted}"
        )
    check_plan(profile, extracted, overrides={"device": device, **(extractor_overrides or {})})
    training = {**(train_overrides or {}), "device": device, **({"epochs": epochs} if epochs else {})}
    check_model_options(list(models or ["dialoguegcn"]), model_overrides=model_overrides, train_overrides=training)
