"""Audio: Whisper's encoder states of each utterance, pooled (an offline speech representation).

The extractor's options, importable without torch: ``emoflow extractors`` lists them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import PositiveInt

from emoflow.extractors.options import NOT_HASHED


@dataclass(frozen=True)
class AudioWhisperConfig:
    """Options of :class:`AudioWhisper`.

    Args:
        model: ``whisper-tiny.en`` (ships with emoflow, 384-d states), ``whisper-base`` (the ``whisper-base``
            extra, 512-d) or a folder holding a CTranslate2 Whisper model.
        pooling: ``mean`` of the states over the utterance's frames, or ``mean_std`` (mean and standard
            deviation side by side, twice the size).
        batch_size: 30 s windows per encoder call.
        device: ``auto`` (CUDA when present), ``cpu``, ``cuda``, ``cuda:N``.
    """

    model: str = "whisper-tiny.en"
    pooling: Literal["mean", "mean_std"] = "mean_std"
    batch_size: PositiveInt = field(default=8, metadata=NOT_HASHED)
    device: str = field(default="auto", metadata=NOT_HASHED)
