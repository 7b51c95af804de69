"""Text: COMET's commonsense clue vectors for six ATOMIC relations (CaSCLA's causal clues).

The extractor's options, importable without torch: ``emoflow extractors`` lists them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import PositiveInt

from emoflow.extractors.options import NOT_HASHED


@dataclass(frozen=True)
class CometCluesConfig:
    """Options of :class:`CometClues`.

    Args:
        model: local folder (or hub name, where the hub is reachable) of a COMET checkpoint; required.
        template: how an utterance, the mask token and a relation are joined (the paper: ``u_i [MASK] rel``).
        max_length: tokens per input.
        batch_size: inputs per forward pass (six per utterance).
        device: ``auto`` (CUDA when present), ``cpu``, ``cuda``, ``cuda:N``.
    """

    model: str | None = None
    template: str = "{utterance} {mask} {relation}"
    max_length: PositiveInt = 64
    batch_size: PositiveInt = field(default=48, metadata=NOT_HASHED)
    device: str = field(default="auto", metadata=NOT_HASHED)
