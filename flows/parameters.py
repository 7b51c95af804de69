"""The flows' parameter types: plain values, validated by Pydantic when a flow run starts.

Prefect turns these annotations into the deployment's parameter schema (shown in the UI and checked on
``prefect deployment run --param``); a bad value fails the run at once with Pydantic's message naming the field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from emoflow.extractors.profiles import PROFILES_HELP

Modality = Literal["text", "audio", "visual"]


def _unique(values: list[Any]) -> list[Any]:
    if len(set(values)) != len(values):
        raise ValueError(f"values repeat: {values}")
    return values


def _known_model(name: str) -> str:
    from emoflow.models.training.option_checks import check_model_name

    check_model_name(name)
    return name


Store = Annotated[str, Field(description="Feature store folder (created when missing).")]
Dataset = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$", description="Dataset name in the store, e.g. meld.")
]
Modalities = Annotated[
    list[Modality], Field(min_length=1), AfterValidator(_unique), Field(description="Non-empty subset of modalities.")
]
ModelName = Annotated[str, AfterValidator(_known_model), Field(description="A model of `emoflow models`.")]
ModelNames = Annotated[list[ModelName], Field(min_length=1), AfterValidator(_unique)]
Seeds = Annotated[list[int], Field(min_length=1), AfterValidator(_unique), Field(description="One run per seed.")]
Layout = Annotated[
    Literal["auto", "manifest", "meld", "iemocap", "recordings"], Field(description="Corpus layout; auto detects it.")
]
Profile = Annotated[str, Field(description=f"Extractor profile: {PROFILES_HELP}.")]
Options = Annotated[dict[str, Any], Field(description='Option overrides, e.g. {"batch_size": 16}.')]
FeatureChoice = Annotated[
    dict[Modality, str], Field(description="Feature table per modality: an extractor id from `emoflow store ls`.")
]
Device = Annotated[str, Field(pattern=r"^(auto|cpu|cuda(:\d+)?)$", description="auto picks CUDA when present.")]
ChunkSize = Annotated[int, Field(ge=1, description="Utterances per extraction task (whole dialogues).")]
Epochs = Annotated[int, Field(ge=1, description="Override the settings' epoch count.")]
TaskTimeout = Annotated[
    float, Field(gt=0, description="Seconds a task may run before it fails (a timed-out task is not retried).")
]
