"""Each built-in extractor's options, one module per extractor, importing nothing heavy.

``emoflow extractors`` and option checks read these without loading torch or transformers; each extractor's
module imports its ``Config`` from here.
"""

from __future__ import annotations

from collections.abc import Sequence

NOT_HASHED = {"hash": False}
"""Field metadata of config values that change speed, never the features (batch size, workers, device)."""


def check_choice(option: str, value: str, choices: Sequence[str]) -> None:
    """A clear error when a config ``value`` is not one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{option} {value!r} is not one of {', '.join(choices)}")
