"""The extractor registry: ``create_extractor(name, **config)``, like timm's ``create_model``.

Each extractor module registers its class with :func:`register`; the built-in modules are imported on first
use so that importing :mod:`emoflow.extractors` stays cheap (no torch, no transformers).
"""

from __future__ import annotations

from typing import Any

from emoflow.core.registry import Registry
from emoflow.extractors.base import Extractor

EXTRACTORS: Registry[Extractor] = Registry(
    "extractor",
    (
        "emoflow.extractors.text_transformer",
        "emoflow.extractors.audio_opensmile",
        "emoflow.extractors.audio_bilstm",
        "emoflow.extractors.visual_cnn",
        "emoflow.extractors.comet_clues",
        "emoflow.extractors.text_nade",
    ),
)
register = EXTRACTORS.register
extractor_classes = EXTRACTORS.classes


def create_extractor(name: str, **config: Any) -> Extractor:
    """The extractor ``name`` with its config dataclass built from ``config``; unknown names and fields are errors."""
    return EXTRACTORS.get(name)(EXTRACTORS.config(name, **config))


def is_feature_stream(extractor_id: str) -> bool:
    """Whether a feature table (``<name>-<hash>``) was made by an extractor marked as a feature stream."""
    cls = extractor_classes().get(extractor_id.rsplit("-", 1)[0])
    return bool(cls is not None and cls.feature_stream)
