"""The options of CMCF-AGCN, importable without torch (``emoflow models`` lists them from here)."""

from __future__ import annotations

from dataclasses import dataclass, field

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

    hidden: int = 128
    heads: int = 4
    feedforward: int = 256
    gru_hidden: int = 128
    graph_hidden: int = 128
    past: int = 10
    future: int = 10
    drop_message: float = 0.1
    dropout: float = 0.3
    alpha: float = 0.7
    sentiment: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SENTIMENT))
