"""Model settings from ``configs/models/<model>.yaml``.

Each file holds the model's config and the trainer's, each value citing its source in a comment. A path to a
YAML file of the same shape may be given instead of a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CONFIG_DIR = Path(__file__).resolve().parents[1] / "configs" / "models"


@dataclass(frozen=True)
class ModelSettings:
    """``model``: keyword arguments of the model's config; ``train``: of the trainer's; ``source``: the file."""

    model: dict[str, Any]
    train: dict[str, Any]
    source: str


def settings_path(name: str) -> Path:
    """The YAML file of model ``name`` (or ``name`` itself when it is a path to a YAML file)."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml"):
        if not path.is_file():
            raise FileNotFoundError(f"model settings file {path} does not exist")
        return path
    path = CONFIG_DIR / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in CONFIG_DIR.glob("*.yaml")))
        raise ValueError(f"no settings for model {name!r} in {CONFIG_DIR}; models with settings: {known}")
    return path


def load_settings(name: str) -> ModelSettings:
    """Read the settings of model ``name`` (or of the YAML file ``name``)."""
    path = settings_path(name)
    data = yaml.safe_load(path.read_text()) or {}
    unknown = sorted(set(data) - {"model", "train"})
    if unknown:
        raise ValueError(f"{path}: unknown sections {unknown}; a model settings file has model: and train:")
    return ModelSettings(model=dict(data.get("model") or {}), train=dict(data.get("train") or {}), source=str(path))
