"""CaSCLA: tensor-ring fusion, perturbed Bi-GRU, causal-aware interaction, supervised contrastive label alignment.

Its options, importable without torch: ``emoflow models`` lists them from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import NonNegativeFloat, PositiveInt

from emoflow.core.option_types import Dropout, Fraction


@dataclass(frozen=True)
class CaSCLAConfig:
    """Hyperparameters; ``configs/models/cascla.yaml`` cites the paper for each one it gives."""

    model_dim: PositiveInt = 1024
    hidden: PositiveInt = 300
    encoder_heads: PositiveInt = 8
    feedforward: PositiveInt = 1024
    rank: PositiveInt = 4
    eta: Fraction = 0.5
    label_dim: PositiveInt = 300
    dropout: Dropout = 0.3
    alpha: NonNegativeFloat = 2.0
    beta: NonNegativeFloat = 0.5
    gamma: NonNegativeFloat = 1.0
    epsilon: NonNegativeFloat = 1.0
    scla: bool = True
    adversarial: bool = True
    text_positive: bool = True
    clues: str | None = None
