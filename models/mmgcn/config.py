"""MMGCN (Hu et al.): a multimodal utterance graph with a deep spectral GCN.

Its options, importable without torch: ``emoflow models`` lists them from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt

from emoflow.core.option_types import Dropout, Fraction


@dataclass(frozen=True)
class MMGCNConfig:
    """Sizes, depth and graph options; see ``configs/models/mmgcn.yaml`` for where each value comes from."""

    hidden: PositiveInt = 200
    layers: PositiveInt = 4
    alpha: Fraction = 0.1
    lamda: PositiveFloat = 0.5
    inter_modal_weight: NonNegativeFloat = 1.0
    window: NonNegativeInt | None = None
    dropout: Dropout = 0.4
