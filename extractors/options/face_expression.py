"""Visual: what a facial-expression network sees in the speaker's face over the utterance's frames.

The extractor's options, importable without torch: ``emoflow extractors`` lists them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import NonNegativeInt, PositiveFloat, PositiveInt

from emoflow.extractors.options import NOT_HASHED
from emoflow.extractors.options.visual_cnn import Detector


@dataclass(frozen=True)
class FaceExpressionConfig:
    """Options of :class:`FaceExpression`.

    Args:
        output: ``probabilities`` of the network's seven expressions (angry, disgust, fear, happy, sad,
            surprise, neutral), its 128-d ``embedding`` (the last residual block, average-pooled), or ``both``
            side by side (135-d).
        mirror: average each face's outputs with its mirror image's (test-time flipping, as expression
            recognisers commonly do; twice the network's cost, which is small beside decoding and detection).
        detector: the face detector, ``mtcnn`` or ``haar`` (see ``visual_cnn``).
        faces: ``crop`` the largest face (whole frame when none is found, recorded), ``require`` a face, or
            ``whole`` frames (images that are already face crops).
        pooling: ``mean`` over the utterance's frames, or ``mean_std`` (mean and standard deviation).
        fps: frames sampled per second of the segment.
        max_frames: at most this many frames per utterance.
        batch_size: faces per forward pass.
        workers: decoding and detection threads (0 = one per core).
        device: ``auto`` (CUDA when present), ``cpu``, ``cuda``, ``cuda:N``.
    """

    output: Literal["probabilities", "embedding", "both"] = "both"
    mirror: bool = False
    detector: Detector = "mtcnn"
    faces: Literal["crop", "require", "whole"] = "crop"
    pooling: Literal["mean", "mean_std"] = "mean"
    fps: PositiveFloat = 2.0
    max_frames: PositiveInt = 16
    batch_size: PositiveInt = field(default=64, metadata=NOT_HASHED)
    workers: NonNegativeInt = field(default=0, metadata=NOT_HASHED)
    device: str = field(default="auto", metadata=NOT_HASHED)
