"""The options of MMGCN, importable without torch (``emoflow models`` lists them from here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MMGCNConfig:
    """Sizes, depth and graph options; see ``configs/models/mmgcn.yaml`` for where each value comes from."""

    hidden: int = 200
    layers: int = 4
    alpha: float = 0.1
    lamda: float = 0.5
    inter_modal_weight: float = 1.0
    window: int | None = None
    dropout: float = 0.4
