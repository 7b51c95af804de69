"""The options of CaSCLA, importable without torch (``emoflow models`` lists them from here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CaSCLAConfig:
    """Hyperparameters; ``configs/models/cascla.yaml`` cites the paper for each one it gives."""

    model_dim: int = 1024
    hidden: int = 300
    encoder_heads: int = 8
    feedforward: int = 1024
    rank: int = 4
    eta: float = 0.5
    label_dim: int = 300
    dropout: float = 0.3
    alpha: float = 2.0
    beta: float = 0.5
    gamma: float = 1.0
    epsilon: float = 1.0
    scla: bool = True
    adversarial: bool = True
    text_positive: bool = True
    clues: str | None = None
