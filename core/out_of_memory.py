"""Running out of GPU memory: the work is tried once more with half the batch.

A CUDA out-of-memory error depends on the batch that hit it, not only on the input: extraction and training
catch it where the batch size is known, free the cached blocks, and run once more with half the batch (a
second out-of-memory error is raised). The halved size is logged and recorded where it changes the result (a
training run's config); for extraction the batch size changes speed only.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from typing import TypeVar

import torch

T = TypeVar("T")
logger = logging.getLogger("emoflow")


def halve_batch_on_oom(attempt: Callable[[int], T], batch_size: int, what: str) -> T:
    """``attempt(batch_size)``; after a CUDA out-of-memory error, ``attempt(batch_size // 2)`` once."""
    try:
        return attempt(batch_size)
    except torch.cuda.OutOfMemoryError:
        if batch_size < 2:
            raise
        half = batch_size // 2
        logger.warning(f"{what}: CUDA out of memory at batch size {batch_size}; trying once more with {half}")
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        return attempt(half)
