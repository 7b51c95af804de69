"""Where torch work runs and how it is seeded: one place for extractors and models alike."""

from __future__ import annotations

import random

import numpy as np
import torch


def resolve_device(device: str) -> str:
    """``auto`` is CUDA when a GPU is visible, else CPU; anything else is passed through (``cpu``, ``cuda:1``)."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} was asked for but no CUDA GPU is visible; use device: auto or cpu")
    return device


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch (CPU and CUDA); returns a generator for a data loader's shuffling."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    return torch.Generator().manual_seed(seed)
