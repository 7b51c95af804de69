"""AMB-DSGDN (Wang et al.): differential graph attention over speaker subgraphs, adaptive modality dropout.

Its options, importable without torch: ``emoflow models`` lists them from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import NonNegativeInt, PositiveInt

from emoflow.core.option_types import Dropout, Fraction


@dataclass(frozen=True)
class AMBDSGDNConfig:
    """Hyperparameters; ``configs/models/amb_dsgdn.yaml`` cites the paper for each one it gives."""

    hidden: PositiveInt = 512
    encoder_heads: PositiveInt = 8
    feedforward: PositiveInt = 1024
    graph_heads: PositiveInt = 4
    relation_dim: PositiveInt = 32
    window: NonNegativeInt = 5
    dropout: Dropout = 0.3
    q_base: Fraction = 0.3
    lam: Fraction = 0.9
    p_exe: Fraction = 0.5
    warmup_epochs: NonNegativeInt = 60
    aux_loss: bool = True
    modality_dropout: bool = True
