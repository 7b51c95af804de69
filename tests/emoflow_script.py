"""The installed ``emoflow`` script run in its own process, as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_emoflow(*args: object) -> subprocess.CompletedProcess[str]:
    """``emoflow ARGS`` against the tests' Prefect server (the ``prefect_server`` fixture), output captured."""
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    script = Path(sys.executable).parent / "emoflow"
    return subprocess.run([script, *map(str, args)], capture_output=True, text=True, env=env, timeout=900)
