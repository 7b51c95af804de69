"""Which task failures Prefect retries: transient ones only.

Transient: an I/O error a flaky disk or network mount gives (``EIO``, ``EAGAIN``, ``EBUSY``, ``ESTALE``,
``ETIMEDOUT``, ...), a dropped connection, a network timeout. Every stage's task is retried up to
:data:`RETRIES` times after those, :data:`RETRY_DELAYS_S` apart. Deterministic failures are not retried: a
missing or unreadable file, bad media, a bad option or config, a task past its time limit
(:class:`core.time_limit.TimeLimitError`), and any other exception (a retry would fail the same way). A CUDA
out-of-memory error is handled inside the task, where the batch size is known (:mod:`core.out_of_memory`).
"""

from __future__ import annotations

import errno
from typing import Any

from prefect.client.schemas.objects import State
from prefect.task_engine import TaskRunTimeoutError

RETRIES = 2
RETRY_DELAYS_S = [5, 30]
TRANSIENT_NAMES = (
    "EIO",
    "EAGAIN",
    "EBUSY",
    "EINTR",
    "ESTALE",
    "ETIMEDOUT",
    "ENOLCK",
    "ECONNRESET",
    "ECONNABORTED",
    "ECONNREFUSED",
    "ENETDOWN",
    "ENETUNREACH",
    "EHOSTUNREACH",
    "EREMOTEIO",
)
TRANSIENT_ERRNOS = frozenset(getattr(errno, name) for name in TRANSIENT_NAMES if hasattr(errno, name))


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` may pass on its own (see the module docstring)."""
    if isinstance(error, TaskRunTimeoutError):
        return False
    if isinstance(error, (ConnectionError, TimeoutError)):
        return True
    return isinstance(error, OSError) and error.errno in TRANSIENT_ERRNOS


def retry_transient(_: Any, __: Any, state: State[Any]) -> bool:
    """Prefect's ``retry_condition_fn``: retry the failed task run only when its exception is transient."""
    error = state.data if isinstance(state.data, BaseException) else None
    if error is None:
        try:
            state.result()
        except Exception as raised:
            error = raised
    return error is not None and is_transient(error)


RETRY_OPTIONS: dict[str, Any] = {
    "retries": RETRIES,
    "retry_delay_seconds": RETRY_DELAYS_S,
    "retry_condition_fn": retry_transient,
}
"""The retry settings every stage's task is declared with."""
