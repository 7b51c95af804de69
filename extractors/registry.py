"""The extractor registry: ``create_extractor(name, **config)``, like timm's ``create_model``.

Each extractor module registers its class with :func:`register`; the built-in modules are imported on first
use so that importing :mod:`extractors` stays cheap (no torch, no transformers).
"""

from __future__ import annotations

import importlib
from typing import Any, TypeVar

from emoflow.extractors.base import Extractor, option_names

E = TypeVar("E", bound=type[Extractor])

BUILTIN_MODULES = (
    "emoflow.extractors.text_transformer",
    "emoflow.extractors.audio_opensmile",
    "emoflow.extractors.audio_bilstm",
    "emoflow.extractors.visual_cnn",
    "emoflow.extractors.comet_clues",
)
_REGISTRY: dict[str, type[Extractor]] = {}


def register(cls: E) -> E:
    """Class decorator adding an extractor to the registry under ``cls.name``."""
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"two extractors are named {cls.name!r}: {_REGISTRY[cls.name]} and {cls}")
    _REGISTRY[cls.name] = cls
    return cls


def extractor_classes() -> dict[str, type[Extractor]]:
    """Every registered extractor by name (the built-in ones are imported here)."""
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
    return dict(sorted(_REGISTRY.items()))


def create_extractor(name: str, **config: Any) -> Extractor:
    """The extractor ``name`` with its config dataclass built from ``config``; unknown names and fields are errors."""
    classes = extractor_classes()
    if name not in classes:
        raise ValueError(f"unknown extractor {name!r}; valid extractors: {', '.join(classes)}")
    cls = classes[name]
    fields = option_names(cls)
    unknown = sorted(set(config) - fields)
    if unknown:
        raise ValueError(
            f"extractor {name!r} has no option {', '.join(unknown)}; its options: {', '.join(sorted(fields))}"
        )
    return cls(cls.Config(**config))
