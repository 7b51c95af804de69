"""The extractor registry: ``create_extractor(name, **config)``, like timm's ``create_model``.

Each extractor module registers its class with :func:`register`; a built-in one is imported when it is first
used, so that importing :mod:`emoflow.extractors` stays cheap (no torch, no transformers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from emoflow.core.registry import Builtin, Registry

if TYPE_CHECKING:
    from emoflow.extractors.base import Extractor


class BuiltinExtractor(NamedTuple):
    """A built-in extractor, described without importing it.

    Its module, its ``Config`` in ``extractors/options/<name>.py``, its modality and whether it is a feature
    stream (its class says the same; a test checks that they agree).
    """

    module: str
    config: str
    modality: str
    feature_stream: bool = False


BUILTINS = {
    "text_transformer": BuiltinExtractor("emoflow.extractors.text_transformer", "TextTransformerConfig", "text"),
    "opensmile": BuiltinExtractor("emoflow.extractors.audio_opensmile", "OpenSmileConfig", "audio"),
    "audio_whisper": BuiltinExtractor("emoflow.extractors.audio_whisper", "AudioWhisperConfig", "audio"),
    "audio_bilstm": BuiltinExtractor("emoflow.extractors.audio_bilstm", "AudioBiLSTMConfig", "audio"),
    "visual_cnn": BuiltinExtractor("emoflow.extractors.visual_cnn", "VisualCNNConfig", "visual"),
    "face_expression": BuiltinExtractor(
        "emoflow.extractors.face_expression", "FaceExpressionConfig", "visual", feature_stream=True
    ),
    "comet_clues": BuiltinExtractor("emoflow.extractors.comet_clues", "CometCluesConfig", "text"),
    "nade_scores": BuiltinExtractor("emoflow.extractors.text_nade", "NadeScoresConfig", "text", feature_stream=True),
}
EXTRACTORS: Registry[Extractor] = Registry(
    "extractor",
    {name: Builtin(b.module, f"emoflow.extractors.options.{name}:{b.config}") for name, b in BUILTINS.items()},
)
register = EXTRACTORS.register
extractor_classes = EXTRACTORS.classes


def create_extractor(name: str, **config: Any) -> Extractor:
    """The extractor ``name`` with its config dataclass built from ``config``; unknown names and fields are errors."""
    return EXTRACTORS.get(name)(EXTRACTORS.config(name, **config))


def extractor_modality(name: str) -> str:
    """The modality extractor ``name`` reads (a built-in one's without importing it)."""
    if name in BUILTINS:
        return BUILTINS[name].modality
    return str(EXTRACTORS.get(name).modality)


def is_feature_stream(extractor_id: str) -> bool:
    """Whether a feature table (``<name>-<hash>``) was made by an extractor marked as a feature stream."""
    name = extractor_id.rsplit("-", 1)[0]
    if name in BUILTINS:
        return BUILTINS[name].feature_stream
    return name in EXTRACTORS.names() and bool(EXTRACTORS.get(name).feature_stream)
