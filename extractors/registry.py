"""The extractor registry: ``create_extractor(name, **config)``, like timm's ``create_model``.

Each extractor module registers its class with :func:`register`; a built-in one is imported when it is first
used, so that importing :mod:`emoflow.extractors` stays cheap (no torch, no transformers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emoflow.core.registry import Builtin, Registry

if TYPE_CHECKING:
    from emoflow.extractors.base import Extractor

BUILTINS = {  # name: (the module that registers the class, its Config in extractors/options/<name>.py)
    "text_transformer": ("emoflow.extractors.text_transformer", "TextTransformerConfig"),
    "opensmile": ("emoflow.extractors.audio_opensmile", "OpenSmileConfig"),
    "audio_bilstm": ("emoflow.extractors.audio_bilstm", "AudioBiLSTMConfig"),
    "visual_cnn": ("emoflow.extractors.visual_cnn", "VisualCNNConfig"),
    "comet_clues": ("emoflow.extractors.comet_clues", "CometCluesConfig"),
    "nade_scores": ("emoflow.extractors.text_nade", "NadeScoresConfig"),
}
EXTRACTORS: Registry[Extractor] = Registry(
    "extractor",
    {
        name: Builtin(module, f"emoflow.extractors.options.{name}:{config}")
        for name, (module, config) in BUILTINS.items()
    },
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
