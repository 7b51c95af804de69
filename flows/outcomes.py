"""Submitting a stage's tasks, and what each did: ran, or was served from the cache.

Every stage submits its tasks through :func:`run_jobs`: the results go to the store's result storage, a task
whose output is no longer in the store bypasses its cache. Devices are resolved inside the tasks, on the
machine that runs them (:mod:`flows.device_slot`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from prefect import Task
from prefect.client.schemas.objects import State

from emoflow.flows.artifacts import StageProgress
from emoflow.flows.cache_keys import result_storage
from emoflow.flows.cache_records import check_record, record_path


@dataclass(frozen=True)
class Job:
    """One task call: its name in reports, the task and its arguments, whether its output is in the store."""

    name: str
    task: Task[..., Any]
    args: tuple[Any, ...]
    current: bool


@dataclass(frozen=True)
class Outcome:
    """One task run: its name, whether its result came from the cache, and the result (store paths, counts)."""

    task: str
    cached: bool
    result: Any

    def line(self) -> str:
        """``name: cached`` or ``name: ran``."""
        return f"{self.task}: {'cached, not run' if self.cached else 'ran'}"


def summary(outcomes: Sequence[Outcome]) -> str:
    """How many tasks ran and how many were cached, e.g. ``4 tasks: 0 ran, 4 cached``."""
    cached = sum(o.cached for o in outcomes)
    return f"{len(outcomes)} tasks: {len(outcomes) - cached} ran, {cached} cached"


def run_jobs(store: str, jobs: Sequence[Job], *, refresh: bool = False, progress: str | None = None) -> list[Outcome]:
    """Run ``jobs`` and collect their outcomes; ``refresh`` or a missing output bypasses a job's cache.

    ``progress`` names the stage in a progress artifact (key ``progress-<stage>``) that counts its finished
    tasks, created when at least two tasks have to run.

    A job whose result is cached (its output is in the store and its content key has a record) is called in the
    flow's own thread, where Prefect serves it from the cache at once: a fully cached run starts no Dask worker
    and imports nothing there. The others are submitted to the flow's task runner. Every job has finished when
    this returns; the first failure is raised then. Tasks are retried after transient failures only
    (:mod:`flows.retries`); seeded tasks may run at once in any runner, their seeded sections take turns within
    a process (``core.device.seeded``).
    """
    hits: dict[int, Task[..., Any]] = {}
    futures = {}
    for index, job in enumerate(jobs):
        path = record_path(store, job.task, job.args)
        hit = path is not None and path.is_file() and job.current and not refresh
        if path is not None and hit:
            check_record(path)  # a cache hit reads this record: plain JSON emoflow wrote, or refused
        runnable = job.task.with_options(result_storage=result_storage(store), refresh_cache=not hit)
        if hit:
            hits[index] = runnable
        else:
            futures[index] = runnable.submit(*job.args)  # the work starts before the cache hits are served
    states = {i: cast(State[Any], runnable(*jobs[i].args, return_state=True)) for i, runnable in hits.items()}
    tracker = StageProgress(progress, len(futures)) if progress and len(futures) > 1 else None
    for index, future in futures.items():
        future.wait()
        states[index] = future.state
        if tracker:
            tracker.advance()
    ordered = [states[i] for i in range(len(jobs))]
    failed = [s for s in ordered if not s.is_completed()]
    if failed:
        failed[0].result()  # raises the task's exception
    return [Outcome(job.name, state.name == "Cached", state.result()) for job, state in zip(jobs, ordered, strict=True)]
