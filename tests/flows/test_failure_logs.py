"""A failed run logs one line; its traceback only when debugging."""

from __future__ import annotations

import logging

import pytest

import emoflow.flows  # noqa: F401  (importing the flows installs the filter)
from emoflow.flows.failure_logs import ENGINE_LOGGERS


def failing_record(name: str, caplog) -> logging.LogRecord:
    logger = logging.getLogger(name)
    try:
        raise FileNotFoundError("demo/nope: no such file or folder (a relative path, looked for in /srv)")
    except FileNotFoundError:
        with caplog.at_level(logging.INFO, logger=name):
            logger.error("Task run failed with exception: %r - Retries are exhausted", "x", exc_info=True)
    return caplog.records[-1]


@pytest.mark.parametrize("name", ENGINE_LOGGERS)
def test_a_failure_is_one_line_with_the_reason(name, caplog, monkeypatch):
    monkeypatch.delenv("EMOFLOW_DEBUG", raising=False)
    record = failing_record(name, caplog)
    assert record.exc_info is None and caplog.text.count("\n") == 1 and "Traceback" not in caplog.text
    assert record.getMessage() == (
        "Task run failed with exception: 'x' - Retries are exhausted: demo/nope: no such file or folder (a relative "
        "path, looked for in /srv)"
    )


def test_debugging_keeps_the_traceback(caplog, monkeypatch):
    monkeypatch.setenv("EMOFLOW_DEBUG", "1")
    record = failing_record("prefect.task_runs", caplog)
    assert record.exc_info is not None and "Traceback (most recent call last)" in caplog.text
