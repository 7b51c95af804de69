"""Audio: openSMILE frames through a Bi-LSTM encoder trained on the train split's labels.

The extractor's options, importable without torch: ``emoflow extractors`` lists them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import NonNegativeInt, PositiveFloat, PositiveInt

from emoflow.core.option_types import Dropout
from emoflow.extractors.options import NOT_HASHED
from emoflow.extractors.options.opensmile import FeatureSet


@dataclass(frozen=True)
class AudioBiLSTMConfig:
    """Options of :class:`AudioBiLSTM` (``out_dim`` 100 as AR-IIGCN §III-B; the others are this project's choice).

    ``encoder``: the key of an encoder trained before (on another dataset of the same store; its feature table's
    lineage says ``encoder_key``) to use as it is, with no labels needed; empty: train on this dataset's labels.
    """

    feature_set: FeatureSet = "IS10"
    sample_rate: PositiveInt = 16000
    hidden: PositiveInt = 128
    out_dim: PositiveInt = 100
    dropout: Dropout = 0.2
    epochs: PositiveInt = 20
    lr: PositiveFloat = 1e-3
    train_batch_size: PositiveInt = 32
    frame_stride: PositiveInt = 4
    max_frames: PositiveInt = 1000
    seed: int = 0
    encoder: str = ""
    batch_size: PositiveInt = field(default=64, metadata=NOT_HASHED)
    workers: NonNegativeInt = field(default=0, metadata=NOT_HASHED)
    device: str = field(default="auto", metadata=NOT_HASHED)
