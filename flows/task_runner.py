"""Where the flows' tasks run: a thread pool on this machine (default), or a Dask cluster users size.

Chosen by ``EMOFLOW_TASK_RUNNER`` (read when a flow module is imported, so a worker's environment or a
deployment's ``job_variables.env`` sets it) or by ``emoflow pipeline --task-runner``. The value is one of:

- ``threads`` (default): a thread pool of ``EMOFLOW_MAX_WORKERS`` threads (default: the CPU count, at most 4);
- ``dask``: prefect-dask's ``DaskTaskRunner`` on a new ``distributed.LocalCluster`` (its defaults: one worker
  process per core), scheduler and dashboard bound to 127.0.0.1;
- a Dask scheduler address (``tcp://host:8786``, ``tls://host:8786``): an existing cluster, whose workers must see
  the store and the corpus at the same paths (a shared filesystem) and have emoflow installed;
- a Dask spec (:class:`~emoflow.flows.dask_task_runner.DaskSpec`) as JSON or YAML, inline
  (``{"cluster_kwargs": {"n_workers": 2}}``) or in a ``.yaml`` / ``.json`` file: ``address``, or ``cluster_class``
  (``distributed.LocalCluster``, ``dask_jobqueue.SLURMCluster``, ...) with ``cluster_kwargs`` (workers, threads
  per worker, memory limit) and ``adapt_kwargs`` (adaptive scaling), and ``client_kwargs``. A LocalCluster binds
  to 127.0.0.1 unless ``cluster_kwargs`` says otherwise.

Seeded work (training, the trained extraction stages) holds a process-wide lock (``core.device.seeded``), so
it is reproducible on threads, in processes and on Dask workers with any number of threads.
"""

from __future__ import annotations

import os
from typing import Any, cast

from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

ENV_VAR = "EMOFLOW_TASK_RUNNER"


def make_task_runner(spec: str | None = None) -> TaskRunner[PrefectFuture[Any]]:
    """The task runner named by ``spec`` (default: ``$EMOFLOW_TASK_RUNNER``, else ``threads``)."""
    spec = (spec or os.environ.get(ENV_VAR) or "threads").strip()
    if spec == "threads":
        workers = int(os.environ.get("EMOFLOW_MAX_WORKERS") or min(4, os.cpu_count() or 1))
        return cast(TaskRunner[PrefectFuture[Any]], ThreadPoolTaskRunner(max_workers=workers))
    from emoflow.flows.dask_task_runner import dask_runner, dask_spec  # Dask is imported only when asked for

    return cast(TaskRunner[PrefectFuture[Any]], dask_runner(dask_spec(spec)))
