"""Audio: openSMILE's acoustic functionals (or frame descriptors) of each utterance.

The extractor's options, importable without torch: ``emoflow extractors`` lists them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import NonNegativeInt, PositiveInt

from emoflow.extractors.options import NOT_HASHED

FeatureSet = Literal["IS10", "ComParE_2016", "eGeMAPSv02"]
"""openSMILE's feature sets that emoflow reads."""


@dataclass(frozen=True)
class OpenSmileConfig:
    """Options of :class:`OpenSmile`.

    Args:
        feature_set: ``IS10`` (1582 functionals / 38 LLDs), ``ComParE_2016`` (6373 / 65), ``eGeMAPSv02`` (88 / 25).
        level: ``functionals`` (one vector) or ``lld`` (frame sequence, vector = its mean).
        sample_rate: the rate audio is resampled to before openSMILE sees it.
        workers: parallel threads (0 = one per CPU core).
    """

    feature_set: FeatureSet = "IS10"
    level: Literal["functionals", "lld"] = "functionals"
    sample_rate: PositiveInt = 16000
    workers: NonNegativeInt = field(default=0, metadata=NOT_HASHED)
