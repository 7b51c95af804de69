"""The command's own temporary Prefect server, in a clean process (no PREFECT_API_URL)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration  # each test starts a real Prefect server

CHECK = """
import httpx, os
from emoflow.cli.temporary_server import temporary_server

given = os.environ.get("PREFECT_API_URL")
with temporary_server() as wait:
    wait()
    url = os.environ.get("PREFECT_API_URL")
    from prefect.settings import PREFECT_API_URL
    assert PREFECT_API_URL.value() == url
    print(url != given, url != given and httpx.get(url + "/health").status_code)
print("after", os.environ.get("PREFECT_API_URL"), url != given and _down(url))
"""
DOWN = """
import httpx
def _down(url):
    try:
        httpx.get(url + "/health", timeout=2)
    except httpx.HTTPError:
        return "stopped"
    return "still up"
"""


def run_check(**env: str) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    done = subprocess.run(
        [sys.executable, "-c", DOWN + CHECK],
        env={
            **clean,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout.splitlines()[-2:]


def test_without_a_server_address_the_server_answers_inside_the_block_and_is_stopped_after_it():
    assert run_check() == ["True 200", "after None stopped"]


def test_with_a_server_address_nothing_is_started():
    assert run_check(PREFECT_API_URL="http://127.0.0.1:9/api") == ["False False", "after http://127.0.0.1:9/api False"]
