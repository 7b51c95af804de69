"""Model settings from ``configs/models/<model>.yaml``.

Each file holds the model's config and the trainer's, each value citing its source in a comment. A path to a
YAML file of the same shape may be given instead of a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import NonNegativeFloat, PositiveFloat, PositiveInt

from emoflow.core.option_types import Dropout
from emoflow.core.registry import validated_config
from emoflow.core.resources import config_files, config_label


@dataclass(frozen=True)
class ModelSettings:
    """``model``: keyword arguments of the model's config; ``train``: of the trainer's; ``source``: the file."""

    model: dict[str, Any]
    train: dict[str, Any]
    source: str


def read_settings_file(name: str) -> tuple[str, str]:
    """The YAML text of model ``name``'s settings and how to name them (``name`` may be a path to a YAML file)."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml"):
        if not path.is_file():
            raise FileNotFoundError(f"model settings file {path} does not exist")
        return path.read_text(encoding="utf-8"), str(path)
    builtin = config_files("models")
    if name not in builtin:
        known = ", ".join(sorted(builtin))
        raise ValueError(f"no settings for model {name!r} in emoflow's configs/models; models with settings: {known}")
    return builtin[name].read_text(encoding="utf-8"), config_label("models", name)


def load_settings(name: str) -> ModelSettings:
    """Read the settings of model ``name`` (or of the YAML file ``name``)."""
    text, path = read_settings_file(name)
    data = yaml.safe_load(text) or {}
    unknown = sorted(set(data) - {"model", "train"})
    if unknown:
        raise ValueError(f"{path}: unknown sections {unknown}; a model settings file has model: and train:")
    return ModelSettings(model=dict(data.get("model") or {}), train=dict(data.get("train") or {}), source=str(path))


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation settings (``configs/models/<model>.yaml``, section ``train``).

    ``patience``: stop after this many epochs without a better validation weighted F1 (``None``: run all
    epochs). ``class_weights``: weight the loss by inverse class frequency in the train labels. ``amp``: mixed
    precision, used only on CUDA. ``modality_dropout``: while training, drop each modality of each utterance
    with this probability, never all of them (:mod:`emoflow.models.training.modality_dropout`).
    """

    epochs: PositiveInt = 60
    batch_size: PositiveInt = 16
    lr: PositiveFloat = 3e-4
    weight_decay: NonNegativeFloat = 0.0
    patience: PositiveInt | None = None
    class_weights: bool = False
    device: str = "auto"
    amp: bool = True
    modality_dropout: Dropout = 0.0

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainConfig:
        """Build from settings; unknown keys, wrong types and out-of-range values are errors naming the key."""
        return validated_config("train settings", cls, values)
