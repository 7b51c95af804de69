"""AR-IIGCN: tri-modal GAN alignment, speaker graphs per modality, inter-class and inter-modal contrastive losses.

Its options, importable without torch: ``emoflow models`` lists them from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt

from emoflow.core.option_types import Dropout


@dataclass(frozen=True)
class ARIIGCNConfig:
    """Hyperparameters; ``configs/models/ar_iigcn.yaml`` cites the paper for each one it gives."""

    hidden: PositiveInt = 256
    graph_layers: PositiveInt = 2
    window: NonNegativeInt = 10
    edge_hidden: PositiveInt = 64
    classifier_hidden: PositiveInt = 256
    dropout: Dropout = 0.5
    lam: NonNegativeFloat = 0.5
    beta: NonNegativeFloat = 0.8
    contrastive: bool = True
    gan_epochs: NonNegativeInt = 60
    gan_hidden: PositiveInt = 256
    gan_lr: PositiveFloat = 0.0005
