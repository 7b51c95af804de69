"""The options of AR-IIGCN, importable without torch (``emoflow models`` lists them from here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ARIIGCNConfig:
    """Hyperparameters; ``configs/models/ar_iigcn.yaml`` cites the paper for each one it gives."""

    hidden: int = 256
    graph_layers: int = 2
    window: int = 10
    edge_hidden: int = 64
    classifier_hidden: int = 256
    dropout: float = 0.5
    lam: float = 0.5
    beta: float = 0.8
    contrastive: bool = True
    gan_epochs: int = 60
    gan_hidden: int = 256
    gan_lr: float = 0.0005
