"""BC-LSTM: the bidirectional contextual LSTM, the sequential floor.

Its options, importable without torch: ``emoflow models`` lists them from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import PositiveInt

from emoflow.core.option_types import Dropout


@dataclass(frozen=True)
class BCLSTMConfig:
    """``hidden``: projection width and LSTM size per direction; ``layers``: stacked LSTMs; ``dropout``."""

    hidden: PositiveInt = 256
    layers: PositiveInt = 1
    dropout: Dropout = 0.3
