"""Each built-in extractor's options, one module per extractor, importing nothing heavy.

``emoflow extractors`` and option checks read these without loading torch or transformers; each extractor's
module imports its ``Config`` from here.
"""

from __future__ import annotations

NOT_HASHED = {"hash": False}
"""Field metadata of config values that change speed, never the features (batch size, workers, device)."""
