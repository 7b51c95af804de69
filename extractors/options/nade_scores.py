"""Text: nade's emoji probabilities and Plutchik emotion scores, a stream beside the main vector.

The extractor's options, importable without torch: ``emoflow extractors`` lists them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import PositiveInt

from emoflow.extractors.options import NOT_HASHED


@dataclass(frozen=True)
class NadeScoresConfig:
    """Options of :class:`NadeScores`.

    Args:
        model: nade's model folder name inside its package (``socialmedia_en``, the one it ships).
        batch_size: utterances per call.
    """

    model: str = "socialmedia_en"
    batch_size: PositiveInt = field(default=512, metadata=NOT_HASHED)
