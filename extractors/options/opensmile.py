"""opensmile: openSMILE's acoustic functionals (or frame descriptors) of each utterance's audio.

Its options, importable without torch: ``emoflow extractors`` lists them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from emoflow.extractors.options import NOT_HASHED, check_choice

FEATURE_SETS = ("IS10", "ComParE_2016", "eGeMAPSv02")
LEVELS = ("functionals", "lld")


@dataclass(frozen=True)
class OpenSmileConfig:
    """Options of :class:`OpenSmile`.

    Args:
        feature_set: ``IS10`` (1582 functionals / 38 LLDs), ``ComParE_2016`` (6373 / 65), ``eGeMAPSv02`` (88 / 25).
        level: ``functionals`` (one vector) or ``lld`` (frame sequence, vector = its mean).
        sample_rate: the rate audio is resampled to before openSMILE sees it.
        workers: parallel threads (0 = one per CPU core).
    """

    feature_set: str = "IS10"
    level: str = "functionals"
    sample_rate: int = 16000
    workers: int = field(default=0, metadata=NOT_HASHED)

    def __post_init__(self) -> None:
        check_choice("openSMILE feature set", self.feature_set, FEATURE_SETS)
        check_choice("openSMILE level", self.level, LEVELS)
