"""DialogueGCN (Ghosal et al.): a speaker-relational graph over a window of the dialogue.

Its options, importable without torch: ``emoflow models`` lists them from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import NonNegativeInt, PositiveInt

from emoflow.core.option_types import Dropout


@dataclass(frozen=True)
class DialogueGCNConfig:
    """Sizes and window; see ``configs/models/dialoguegcn.yaml`` for where each value comes from."""

    hidden: PositiveInt = 100
    graph_hidden: PositiveInt = 100
    past: NonNegativeInt = 10
    future: NonNegativeInt = 10
    num_bases: PositiveInt = 30
    nodal_attention: bool = False
    gcn_aggregation: Literal["mean", "add", "max"] = "mean"
    dropout: Dropout = 0.5
