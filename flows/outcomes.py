"""Submitting a stage's tasks, and what each did: ran, or was served from the cache.

Every stage submits its tasks through :func:`run_jobs`: the results go to the store's result storage, a task
whose output is no longer in the store bypasses its cache, CUDA tasks carry the ``gpu`` tag.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from prefect import Task
from prefect.futures import PrefectFuture

from emoflow.core.device import resolve_device
from emoflow.flows.cache_keys import result_storage
from emoflow.flows.cache_records import check_record, record_path


@dataclass(frozen=True)
class Job:
    """One task call: its name in reports, the task and its arguments, whether its output is in the store."""

    name: str
    task: Task[..., Any]
    args: tuple[Any, ...]
    current: bool
    device: str = "cpu"


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


def run_jobs(
    store: str,
    jobs: Sequence[Job],
    *,
    refresh: bool = False,
    one_at_a_time: bool = False,
) -> list[Outcome]:
    """Submit ``jobs`` and collect their outcomes; ``refresh`` or a missing output bypasses a job's cache.

    ``one_at_a_time`` waits for each job before submitting the next (seeded training on threads). Tasks are
    retried after transient failures only (:mod:`flows.retries`).
    """

    def submit(job: Job) -> PrefectFuture[Any]:
        path = record_path(store, job.task, job.args)
        if path is not None and not (refresh or not job.current):
            check_record(path)  # a cache hit reads this record: plain JSON emoflow wrote, or refused
        runnable = job.task.with_options(
            result_storage=result_storage(store),
            refresh_cache=refresh or not job.current,
            tags={"gpu"} if resolve_device(job.device).startswith("cuda") else set(),
        )
        return runnable.submit(*job.args)

    if one_at_a_time:
        return [outcome for job in jobs for outcome in collect([submit(job)], [job.name])]
    return collect([submit(job) for job in jobs], [job.name for job in jobs])
