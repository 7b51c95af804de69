"""The options of the context-free floor, importable without torch (``emoflow models`` lists them from here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MLPConfig:
    """``hidden``: projection and classifier width; ``dropout``: on the fused vector and inside the head."""

    hidden: int = 256
    dropout: float = 0.3
