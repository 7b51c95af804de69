"""A real Dask cluster for the tests: ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class DaskCluster:
    """The scheduler's address and the processes started; :meth:`add_worker` starts one more worker."""

    address: str
    logs: Path
    env: dict[str, str]
    started: list[tuple[subprocess.Popen[bytes], IO[bytes]]] = field(default_factory=list)

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 (closed in stop)
        process = subprocess.Popen([str(Path(sys.executable).parent / "dask"), *args], env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT)  # fmt: skip
        self.started.append((process, log))
        return process

    def add_worker(self, name: str) -> subprocess.Popen[bytes]:
        """A worker process of its own (no nanny: killing it kills the worker), one thread, 3 GiB."""
        return self.start(name, "worker", self.address, "--name", name, "--nthreads", "1", "--memory-limit", "3GiB",
                          "--no-dashboard", "--no-nanny", "--host", "127.0.0.1")  # fmt: skip

    def wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(count, timeout=120)

    def stop(self) -> None:
        for process, log in reversed(self.started):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


@pytest.fixture(scope="module")
def dask_cluster(prefect_server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskCluster]:
    """``dask scheduler`` and two workers on 127.0.0.1, reporting to the tests' Prefect server; stopped after."""
    from prefect.settings import PREFECT_API_URL

    port = free_port()
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value()), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    cluster = DaskCluster(f"tcp://127.0.0.1:{port}", tmp_path_factory.mktemp("dask-logs"), env)
    try:
        cluster.start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
        for i in range(2):
            cluster.add_worker(f"w{i}")
        cluster.wait_for_workers(2)
        yield cluster
    finally:
        cluster.stop()
