"""Prefect's temporary server started ahead of the flow, in a clean process (no PREFECT_API_URL)."""

from __future__ import annotations

import os
import subprocess
import sys

CHECK = """
import httpx
from prefect.server.api.server import SubprocessASGIServer
from emoflow.cli.temporary_server import start_temporary_server

wait = start_temporary_server()
wait()
server = SubprocessASGIServer()
print(server.running, server.running and httpx.get(server.api_url + "/health").status_code)
server.stop()
"""


def run_check(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    done = subprocess.run([sys.executable, "-c", CHECK], env={**clean, "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                          "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120", **env},
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.split("\n")[-2]


def test_without_a_server_address_the_temporary_server_is_up_when_the_flow_starts():
    assert run_check() == "True 200"


def test_with_a_server_address_nothing_is_started():
    assert run_check(PREFECT_API_URL="http://127.0.0.1:9/api") == "False False"
