"""The ``dask_cluster`` fixture: a real scheduler and two workers on 127.0.0.1 (``emoflow.testing.dask_cluster``)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from emoflow.testing.dask_cluster import DaskCluster


@pytest.fixture(scope="module")
def dask_cluster(prefect_server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskCluster]:
    """``dask scheduler`` and two workers, reporting to the tests' Prefect server; stopped afterwards."""
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value()), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    cluster = DaskCluster.start_scheduler(env, tmp_path_factory.mktemp("dask-logs"))
    try:
        for i in range(2):
            cluster.add_worker(f"w{i}")
        cluster.wait_for_workers(2)
        yield cluster
    finally:
        cluster.stop()
