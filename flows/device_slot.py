"""The device a task runs on, decided on the machine that runs it, and its GPU slot.

A flow may be submitted from a CPU laptop to a cluster with GPUs: ``device`` (``auto``, ``cpu``, ``cuda``,
``cuda:N``) is resolved inside the task, on its worker, never on the submitting machine. A task whose device
resolves to CUDA holds one slot of Prefect's global concurrency limit ``gpu`` while it runs; create the limit
to keep GPU tasks one at a time per GPU (``prefect gcl create gpu --limit 1``). Without it, GPU tasks run
unlimited and Prefect logs that the limit does not exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from emoflow.core.device import resolve_device

GPU_LIMIT = "gpu"


@contextmanager
def device_slot(device: str) -> Iterator[str]:
    """Resolve ``device`` here (on the worker) and, for CUDA, hold a ``gpu`` slot; yields the resolved device."""
    resolved = resolve_device(device)  # device=cuda on a worker without a GPU fails here, with a clear message
    if not resolved.startswith("cuda"):
        yield resolved
        return
    from prefect.concurrency.sync import concurrency

    with concurrency(GPU_LIMIT, occupy=1, strict=False):
        yield resolved
