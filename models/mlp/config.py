"""The context-free floor: each utterance classified from its own features alone.

Its options, importable without torch: ``emoflow models`` lists them from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import PositiveInt

from emoflow.core.option_types import Dropout


@dataclass(frozen=True)
class MLPConfig:
    """``hidden``: projection and classifier width; ``dropout``: on the fused vector and inside the head."""

    hidden: PositiveInt = 256
    dropout: Dropout = 0.3
