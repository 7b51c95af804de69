"""Audio: Whisper's encoder states of each utterance, pooled per layer (an offline speech representation).

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
        model: ``whisper-tiny.en`` (ships with emoflow: 4 layers of 384-d states), ``whisper-base`` (the
            ``whisper-base`` extra: 6 layers of 512-d) or a folder holding a CTranslate2 Whisper model.
        layers: ``all`` (every encoder layer's pooled states side by side: the middle layers carry the most
            emotion) or ``last`` (the encoder's output, as speech recognition uses it).
        window: ``utterance`` (each window as long as its audio: fast) or ``30s`` (padded with silence to 30 s,
            as Whisper was trained; the last layer's states depend on it, every layer's pooled together hardly).
        pooling: ``mean`` of the states over the utterance's frames, or ``mean_std`` (mean and standard
            deviation side by side, twice the size), per layer.
        fp16: half-precision autocast on GPU (ignored on CPU).
        batch_size: windows (up to 30 s each) per encoder call.
        device: ``auto`` (CUDA when present), ``cpu``, ``cuda``, ``cuda:N``.
    """

    model: str = "whisper-tiny.en"
    layers: Literal["all", "last"] = "all"
    window: Literal["utterance", "30s"] = "utterance"
    pooling: Literal["mean", "mean_std"] = "mean_std"
    fp16: bool = True
    batch_size: PositiveInt = field(default=8, metadata=NOT_HASHED)
    device: str = field(default="auto", metadata=NOT_HASHED)
