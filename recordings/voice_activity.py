"""Silero VAD (the ``silero-vad`` package's ONNX model, MIT): the probability of speech every 32 ms.

The model is run through onnxruntime from the packaged file, without importing ``silero_vad`` (whose import sets
torch's thread count to one for the whole process). Each call sees 512 new samples plus the 64 before them and
carries the recurrent state, as the package's own wrapper does.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from emoflow.extractors.packaged_files import packaged_file
from emoflow.recordings.audio import SAMPLE_RATE

WINDOW = 512
"""Samples per probability (32 ms at 16 kHz)."""
CONTEXT = 64
WINDOW_S = WINDOW / SAMPLE_RATE


@lru_cache(maxsize=1)
def _session() -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = 1
    path = packaged_file("silero-vad", "silero_vad/data/silero_vad.onnx")
    return onnxruntime.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])


def speech_probabilities(samples: np.ndarray) -> np.ndarray:
    """One speech probability per :data:`WINDOW` samples of 16 kHz mono ``samples`` (the last window zero-padded)."""
    session = _session()
    count = -(-len(samples) // WINDOW)
    padded = np.zeros(count * WINDOW + CONTEXT, dtype=np.float32)
    padded[CONTEXT : CONTEXT + len(samples)] = samples
    state = np.zeros((2, 1, 128), dtype=np.float32)
    rate = np.array(SAMPLE_RATE, dtype=np.int64)
    probabilities = np.empty(count, dtype=np.float32)
    for index in range(count):
        chunk = padded[index * WINDOW : index * WINDOW + WINDOW + CONTEXT][None, :]
        output, state = session.run(None, {"input": chunk, "state": state, "sr": rate})
        probabilities[index] = float(output.reshape(-1)[0])
    return probabilities
