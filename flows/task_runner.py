"""Where the flows' tasks run: a thread pool on this machine (default), or a Dask cluster.

Chosen by ``EMOFLOW_TASK_RUNNER`` (read when a flow module is imported, so a worker's environment or a
deployment's ``job_variables.env`` sets it) or by ``emoflow pipeline --task-runner``:

- ``threads`` (default): a thread pool of ``EMOFLOW_MAX_WORKERS`` threads (default: the CPU count, at most 4);
- ``dask``: prefect-dask's ``DaskTaskRunner`` on a new ``distributed.LocalCluster`` (one worker per core),
  scheduler and dashboard bound to 127.0.0.1;
- ``tcp://host:8786`` (any Dask scheduler address): the same flows on an existing Dask cluster, whose workers
  must see the store and the corpus at the same paths (a shared filesystem) and have emoflow installed.

With threads, training runs one seed at a time (seeding is process-wide); on Dask, seeds train in parallel.
"""

from __future__ import annotations

import os
from typing import Any, cast

from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

ENV_VAR = "EMOFLOW_TASK_RUNNER"
LOCAL_CLUSTER = {"host": "127.0.0.1", "dashboard_address": "127.0.0.1:8787"}
"""The LocalCluster of ``dask`` listens on loopback only: its scheduler and dashboard have no authentication."""


def make_task_runner(spec: str | None = None) -> TaskRunner[PrefectFuture[Any]]:
    """The task runner named by ``spec`` (default: ``$EMOFLOW_TASK_RUNNER``, else ``threads``)."""
    spec = (spec or os.environ.get(ENV_VAR) or "threads").strip()
    if spec == "threads":
        workers = int(os.environ.get("EMOFLOW_MAX_WORKERS") or min(4, os.cpu_count() or 1))
        return cast(TaskRunner[PrefectFuture[Any]], ThreadPoolTaskRunner(max_workers=workers))
    if spec == "dask" or "://" in spec:
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as error:
            raise ValueError(f"task runner {spec!r} needs prefect-dask: pip install prefect-dask") from error
        local = DaskTaskRunner(cluster_kwargs=LOCAL_CLUSTER)
        return cast(TaskRunner[PrefectFuture[Any]], local if spec == "dask" else DaskTaskRunner(address=spec))
    raise ValueError(f"unknown task runner {spec!r}: threads, dask, or a Dask scheduler address (tcp://host:8786)")


def runs_in_processes(runner: TaskRunner[Any] | None) -> bool:
    """Whether tasks run in separate processes (then seeded training can run in parallel)."""
    return runner is not None and not isinstance(runner, ThreadPoolTaskRunner)
