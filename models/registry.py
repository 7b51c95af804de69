"""The model registry: ``create_model(name, spec, **config)``, like timm's ``create_model``.

Each model module registers its class with :func:`register`; the built-in modules are imported on first use.
"""

from __future__ import annotations

import importlib
from dataclasses import fields
from typing import Any, TypeVar

from emoflow.models.base import DataSpec, DialogueModel

M = TypeVar("M", bound=type[DialogueModel])

BUILTIN_MODULES = (
    "emoflow.models.mlp",
    "emoflow.models.bc_lstm",
    "emoflow.models.dialoguegcn",
    "emoflow.models.mmgcn",
    "emoflow.models.amb_dsgdn.model",
    "emoflow.models.ar_iigcn.model",
    "emoflow.models.cascla.model",
    "emoflow.models.cmcf_agcn",
)
_REGISTRY: dict[str, type[DialogueModel]] = {}


def register(cls: M) -> M:
    """Class decorator adding a model to the registry under ``cls.name``."""
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"two models are named {cls.name!r}: {_REGISTRY[cls.name]} and {cls}")
    _REGISTRY[cls.name] = cls
    return cls


def model_classes() -> dict[str, type[DialogueModel]]:
    """Every registered model by name (the built-in ones are imported here)."""
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
    return dict(sorted(_REGISTRY.items()))


def model_class(name: str) -> type[DialogueModel]:
    """The class registered as ``name``; an unknown name is an error listing the valid ones."""
    classes = model_classes()
    if name not in classes:
        raise ValueError(f"unknown model {name!r}; valid models: {', '.join(classes)}")
    return classes[name]


def model_config(name: str, **config: Any) -> Any:
    """Model ``name``'s config dataclass built from ``config``; unknown fields are errors listing the valid ones."""
    cls = model_class(name)
    options = {f.name for f in fields(cls.Config)}
    unknown = sorted(set(config) - options)
    if unknown:
        raise ValueError(
            f"model {name!r} has no option {', '.join(unknown)}; its options: {', '.join(sorted(options))}"
        )
    return cls.Config(**config)


def create_model(name: str, spec: DataSpec, **config: Any) -> DialogueModel:
    """Model ``name`` sized by ``spec`` with its config dataclass built from ``config``; unknown fields are errors."""
    return model_class(name)(spec, model_config(name, **config))
