"""CMCF-AGCN: cross-modal context fusion and an adaptive graph convolutional network, trained multi-task.

Its options, importable without torch: ``emoflow models`` lists them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import NonNegativeInt, PositiveInt

from emoflow.core.option_types import Dropout, Fraction

DEFAULT_SENTIMENT = {
    "neutral": "neutral",
    "joy": "positive",
    "surprise": "positive",
    "sadness": "negative",
    "anger": "negative",
    "disgust": "negative",
    "fear": "negative",
    "happy": "positive",
    "excited": "positive",
    "sad": "negative",
    "angry": "negative",
    "frustrated": "negative",
}
"""MELD's and IEMOCAP's labels; surprise counts as positive (a choice: its valence is mixed)."""


@dataclass(frozen=True)
class CMCFAGCNConfig:
    """Hyperparameters; ``configs/models/cmcf_agcn.yaml`` says which come from the paper."""

    hidden: PositiveInt = 128
    heads: PositiveInt = 4
    feedforward: PositiveInt = 256
    gru_hidden: PositiveInt = 128
    graph_hidden: PositiveInt = 128
    past: NonNegativeInt = 10
    future: NonNegativeInt = 10
    drop_message: Dropout = 0.1
    dropout: Dropout = 0.3
    alpha: Fraction = 0.7
    sentiment: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SENTIMENT))
