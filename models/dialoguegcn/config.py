"""The options of DialogueGCN, importable without torch (``emoflow models`` lists them from here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DialogueGCNConfig:
    """Sizes and window; see ``configs/models/dialoguegcn.yaml`` for where each value comes from."""

    hidden: int = 100
    graph_hidden: int = 100
    past: int = 10
    future: int = 10
    num_bases: int = 30
    nodal_attention: bool = False
    gcn_aggregation: str = "mean"
    dropout: float = 0.5
