"""audio_bilstm: openSMILE frames through a Bi-LSTM encoder trained on the train split's labels.

Its options, importable without torch: ``emoflow extractors`` lists them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from emoflow.extractors.options import NOT_HASHED, check_choice
from emoflow.extractors.options.opensmile import FEATURE_SETS


@dataclass(frozen=True)
class AudioBiLSTMConfig:
    """Options of :class:`AudioBiLSTM` (``out_dim`` 100 as AR-IIGCN §III-B; the others are this project's choice).

    ``encoder``: the key of an encoder trained before (on another dataset of the same store; its feature table's
    lineage says ``encoder_key``) to use as it is, with no labels needed; empty: train on this dataset's labels.
    """

    feature_set: str = "IS10"
    sample_rate: int = 16000
    hidden: int = 128
    out_dim: int = 100
    dropout: float = 0.2
    epochs: int = 20
    lr: float = 1e-3
    train_batch_size: int = 32
    frame_stride: int = 4
    max_frames: int = 1000
    seed: int = 0
    encoder: str = ""
    batch_size: int = field(default=64, metadata=NOT_HASHED)
    workers: int = field(default=0, metadata=NOT_HASHED)
    device: str = field(default="auto", metadata=NOT_HASHED)

    def __post_init__(self) -> None:
        check_choice("openSMILE feature set", self.feature_set, FEATURE_SETS)
        if min(self.hidden, self.out_dim, self.epochs, self.frame_stride, self.max_frames) < 1:
            raise ValueError("audio encoder hidden, out_dim, epochs, frame_stride and max_frames must be at least 1")
