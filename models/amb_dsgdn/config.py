"""The options of AMB-DSGDN, importable without torch (``emoflow models`` lists them from here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AMBDSGDNConfig:
    """Hyperparameters; ``configs/models/amb_dsgdn.yaml`` cites the paper for each one it gives."""

    hidden: int = 512
    encoder_heads: int = 8
    feedforward: int = 1024
    graph_heads: int = 4
    relation_dim: int = 32
    window: int = 5
    dropout: float = 0.3
    q_base: float = 0.3
    lam: float = 0.9
    p_exe: float = 0.5
    warmup_epochs: int = 60
    aux_loss: bool = True
    modality_dropout: bool = True
