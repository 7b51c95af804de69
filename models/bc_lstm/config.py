"""The options of BC-LSTM, importable without torch (``emoflow models`` lists them from here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BCLSTMConfig:
    """``hidden``: projection width and LSTM size per direction; ``layers``: stacked LSTMs; ``dropout``."""

    hidden: int = 256
    layers: int = 1
    dropout: float = 0.3
