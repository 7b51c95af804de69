"""What each task of a flow run did: ran, or was served from the cache. Flows print and return these."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from prefect.futures import PrefectFuture


@dataclass(frozen=True)
class Outcome:
    """One task run: its name, whether its result came from the cache, and the result (store paths, counts)."""

    task: str
    cached: bool
    result: Any

    def line(self) -> str:
        """``name: cached`` or ``name: ran``."""
        return f"{self.task}: {'cached, not run' if self.cached else 'ran'}"


def collect(futures: Sequence[PrefectFuture[Any]], names: Sequence[str]) -> list[Outcome]:
    """Wait for every future, then return their outcomes; the first failure is raised after all have finished."""
    for future in futures:
        future.wait()
    failed = [f for f in futures if not f.state.is_completed()]
    if failed:
        failed[0].result()  # raises the task's exception
    return [Outcome(name, f.state.name == "Cached", f.result()) for f, name in zip(futures, names, strict=True)]


def summary(outcomes: Sequence[Outcome]) -> str:
    """How many tasks ran and how many were cached, e.g. ``4 tasks: 0 ran, 4 cached``."""
    cached = sum(o.cached for o in outcomes)
    return f"{len(outcomes)} tasks: {len(outcomes) - cached} ran, {cached} cached"
