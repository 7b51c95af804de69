"""A time limit for one task, checked where the work can stop cleanly.

A thread cannot be interrupted in the middle of a blocking call (a forward pass, a file read), so a task's limit
is checked between units of work that leave the store consistent: between the committed segments of an
extraction chunk and between training epochs. Past the limit the task raises :class:`TimeLimitError`,
which is never retried; what was committed stays, and a rerun resumes from it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


class TimeLimitError(RuntimeError):
    """A task ran past the time limit it was given (a deterministic failure: not retried)."""


@dataclass(frozen=True)
class Deadline:
    """``limit_s`` seconds from when it was made (no limit when ``None``)."""

    limit_s: float | None = None
    started: float = field(default_factory=time.monotonic)

    def check(self, what: str, done: str = "") -> None:
        """Raise :class:`TimeLimitError` naming ``what`` (and how far it got) once the limit has passed."""
        if self.limit_s is not None and time.monotonic() - self.started > self.limit_s:
            raise TimeLimitError(
                f"{what}: ran past its {self.limit_s:g} s time limit{f' after {done}' if done else ''}; "
                "what was committed is kept and a rerun resumes from it"
            )
