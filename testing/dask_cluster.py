"""A real Dask cluster on this machine, for tests and benchmarks: ``dask scheduler`` and ``dask worker`` processes.

Everything listens on 127.0.0.1. Workers run without a nanny (killing a worker's process kills the worker) with
one thread and 3 GiB each; logs go to a folder, or nowhere.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class DaskCluster:
    """A scheduler at ``address`` and the processes started for it; :meth:`stop` ends them all."""

    address: str
    env: dict[str, str]
    logs: Path | None = None
    started: list[tuple[subprocess.Popen[bytes], IO[bytes] | None]] = field(default_factory=list)

    @classmethod
    def start_scheduler(cls, env: dict[str, str], logs: Path | None = None) -> DaskCluster:
        """A scheduler on a free port of 127.0.0.1 (no dashboard), with no workers yet."""
        port = free_port()
        cluster = cls(f"tcp://127.0.0.1:{port}", env, logs)
        cluster.start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
        return cluster

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        """``dask ARGS`` as a process of this cluster, its output in ``logs/<name>.log`` (or discarded)."""
        log = open(self.logs / f"{name}.log", "wb") if self.logs else None  # noqa: SIM115 (closed in stop)
        output = log if log else subprocess.DEVNULL
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "dask"), *args], env=self.env, stdout=output, stderr=subprocess.STDOUT
        )
        self.started.append((process, log))
        return process

    def add_worker(self, name: str) -> subprocess.Popen[bytes]:
        """One more worker process (no nanny: killing it kills the worker), one thread, 3 GiB."""
        return self.start(
            name,
            "worker",
            self.address,
            "--name",
            name,
            "--nthreads",
            "1",
            "--memory-limit",
            "3GiB",
            "--no-dashboard",
            "--no-nanny",
            "--host",
            "127.0.0.1",
        )

    def wait_for_workers(self, count: int) -> None:
        """Return once ``count`` workers are connected (at most two minutes)."""
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(count, timeout=120)

    def stop(self) -> None:
        """Terminate every process started, workers first (killed after 30 s)."""
        for process, log in reversed(self.started):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if log:
                log.close()
