"""A temporary Prefect server (its own database under a temporary folder) for the tests that run flows."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def prefect_server():
    """Run flows against a fresh, temporary Prefect server for the session."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
