"""The temporary Prefect server of one ``emoflow`` command: started by it, stopped by it, whatever happens.

Without ``PREFECT_API_URL`` a flow needs a Prefect server. Prefect's own temporary server is started lazily
from whichever thread first calls the API, picks its port by probing a random one, writes uvicorn's tracebacks
to the terminal, and is stopped only by an ``atexit`` hook, so a failing command, two commands at once or a
killed one could leave it running. :func:`temporary_server` owns the process instead:

- the port comes from the operating system (bound to 0), and a port taken in between is retried;
- it keeps its runs in its own SQLite database in its temporary folder (unless a database is configured), so
  commands started at once never race on one database file; the record goes with the folder (set
  ``PREFECT_API_URL`` to a running server to keep the history);
- the server's output goes to a log file, never to the terminal; a server that does not start is one line
  naming that file;
- it runs in its own session (Ctrl-C in the terminal reaches emoflow, which stops it) and, on Linux, dies with
  the command even when the command is killed (``PR_SET_PDEATHSIG``);
- the server is stopped when the ``with`` block ends: on success, on an error, on Ctrl-C.

The server starts while the flow's modules import (about as long as its own start) and the command's
environment then points Prefect at it. With ``PREFECT_API_URL`` set, or Prefect's temporary server switched
off, nothing is started.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

PORT_IN_USE_EXIT = 3
"""uvicorn's exit status when its port is taken."""
START_ATTEMPTS = 5
STOP_WAIT_S = 10.0


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now (chosen by the operating system)."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask Linux to send SIGTERM to this process when the process that started it ends."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class TemporaryServer:
    """One uvicorn process serving Prefect's API on a free loopback port, its output in ``folder/server.log``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.log = folder / "server.log"
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.failed = False

    @property
    def api_url(self) -> str:
        """The address a Prefect client uses."""
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> None:
        """Launch the server process (returns at once; :meth:`wait_ready` waits for it)."""
        from prefect.settings import get_current_settings

        self.port = free_port()
        env = {
            **os.environ,
            **get_current_settings().to_environment_variables(exclude_unset=True),
            "PREFECT_UI_ENABLED": "0",
            "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }
        env.pop("PREFECT_API_URL", None)
        if "PREFECT_SERVER_DATABASE_CONNECTION_URL" not in env:  # its own database: no race with other commands
            env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = f"sqlite+aiosqlite:///{self.folder / 'prefect.db'}"
        app = "prefect.server.api.server:create_app"
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "error",
            "--lifespan",
            "on",
        ]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    def wait_ready(self, timeout_s: float) -> None:
        """Wait until the API answers; a taken port is retried, anything else is one line naming the log."""
        import httpx

        deadline = time.monotonic() + timeout_s
        attempts = 1
        while time.monotonic() < deadline:
            assert self.process is not None
            code = self.process.poll()
            if code == PORT_IN_USE_EXIT and attempts < START_ATTEMPTS:
                attempts += 1
                self.start()
                continue
            if code is not None:
                self.failed = True
                raise RuntimeError(
                    f"the temporary Prefect server exited with status {code}: {self._last_line()} "
                    f"(its log: {self.log}; or set PREFECT_API_URL to a running server)"
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        self.failed = True
        raise RuntimeError(
            f"the temporary Prefect server did not answer within {timeout_s:.0f} s (its log: "
            f"{self.log}; raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS or set "
            "PREFECT_API_URL to a running server)"
        )

    def stop(self) -> None:
        """Terminate the server and wait for it (killed when it does not stop in time)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _last_line(self) -> str:
        lines = [line for line in self.log.read_text(errors="replace").splitlines() if line.strip()]
        return lines[-1].strip() if lines else "no output"


def server_needed() -> bool:
    """Whether a flow run here would need a temporary server: no ``PREFECT_API_URL`` and ephemeral mode on."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    return not PREFECT_API_URL.value() and bool(PREFECT_SERVER_EPHEMERAL_ENABLED.value())


def _point_prefect_at(api_url: str | None) -> None:
    """Make this process's Prefect client use ``api_url`` (``None``: forget it again)."""
    from prefect.context import refresh_global_settings_context

    if api_url is None:
        os.environ.pop("PREFECT_API_URL", None)
    else:
        os.environ["PREFECT_API_URL"] = api_url
    refresh_global_settings_context()


@contextlib.contextmanager
def temporary_server() -> Iterator[Callable[[], None]]:
    """Start a temporary Prefect server when one is needed; yields a wait for it; stops it on leaving.

    The wait raises one clear line when the server cannot start. Nothing is started (and the wait returns at
    once) when ``PREFECT_API_URL`` is set or Prefect's temporary server is switched off.
    """
    if not server_needed():
        yield lambda: None
        return
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    folder = Path(tempfile.mkdtemp(prefix="emoflow-prefect-"))
    server = TemporaryServer(folder)
    with _sigterm_exits():
        try:
            server.start()
            _point_prefect_at(server.api_url)
            yield lambda: server.wait_ready(float(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()))
        finally:
            _drain_prefect_clients()
            server.stop()
            _point_prefect_at(None)
            if not server.failed:
                shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _sigterm_exits() -> Iterator[None]:
    """Within the block SIGTERM ends the command through its ``finally`` blocks (the default would skip them)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _drain_prefect_clients() -> None:
    """Send the logs and events still queued to the server before it stops (else they fail at exit)."""
    if "prefect.logging.handlers" not in sys.modules:
        return  # no flow ran: nothing is queued
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for drain in (lambda: APILogWorker.drain_all(timeout=10), lambda: EventsWorker.drain_all(timeout=10)):
        with contextlib.suppress(Exception):
            drain()
