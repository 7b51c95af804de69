"""Where torch work runs and how it is seeded: one place for extractors and models alike."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch


def resolve_device(device: str) -> str:
    """``auto`` is CUDA when a GPU is visible, else CPU; anything else is passed through (``cpu``, ``cuda:1``)."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} was asked for but no CUDA GPU is visible; use device: auto or cpu")
    return device


_SEEDED = threading.RLock()


@contextmanager
def seeded(seed: int) -> Iterator[torch.Generator]:
    """Seed everything and hold this process's seeded section until the block ends; yields the loader generator.

    Weight initialisation and dropout draw from process-wide generators, so two seeded blocks on threads of one
    process (a thread pool, a Dask worker with several threads) would interleave their draws. Seeded blocks take
    turns instead: the same seed gives the same weights in any task runner. The lock is re-entrant.
    """
    with _SEEDED, deterministic_cpu_kernels():
        yield seed_everything(seed)


@contextmanager
def deterministic_cpu_kernels() -> Iterator[None]:
    """Deterministic torch kernels for the block, on a machine without CUDA; then the setting as it was.

    With several threads, CPU scatter-adds (PyG's message aggregation) sum in whatever order the threads finish,
    so the same seed gave the graph models weights that differed in their last bits, and after 30 epochs at
    lr 0.005 CMCF-AGCN's MELD score moved by more than a point. With these kernels 2 threads give the weights
    1 thread gives. On CUDA, atomics make such sums differ from run to run anyway; emoflow leaves that as it is.
    """
    if torch.cuda.is_available():
        yield
        return
    enabled, warn_only = (
        torch.are_deterministic_algorithms_enabled(),
        torch.is_deterministic_algorithms_warn_only_enabled(),
    )
    torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(enabled, warn_only=warn_only)


@contextmanager
def rng_section() -> Iterator[None]:
    """Hold the seeded section without seeding.

    For code whose draws from the process-wide generators do not matter (weights about to be replaced by a
    checkpoint or a download): it waits for seeded work instead of shifting that work's draws.
    """
    with _SEEDED:
        yield


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch (CPU and CUDA); returns a generator for a data loader's shuffling."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    return torch.Generator().manual_seed(seed)
