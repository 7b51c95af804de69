"""A failed task or flow run logs one line: what was wrong. Its traceback is for debugging only.

Prefect logs every failed task and flow run with its traceback, on the terminal, in the worker's log and in the
UI: a deployment run with a missing corpus makes a 150-line log with two tracebacks around one useful sentence.
:func:`install` adds a filter to the loggers Prefect's engines log through (in whatever process imports the flows:
the CLI's, a worker's flow-run process, a Dask worker) that keeps each record's message, with the exception's
own one-line text, and drops its traceback, unless debugging was asked for: ``PREFECT_LOGGING_LEVEL=DEBUG`` (the
traceback then goes with it) or ``EMOFLOW_DEBUG=1`` (``emoflow --debug``).
"""

from __future__ import annotations

import logging
import os

ENGINE_LOGGERS = (
    "prefect.flow_runs",
    "prefect.task_runs",
    "prefect.engine",
    "prefect.flow_engine",
    "prefect.task_engine",
)
"""Where Prefect's engines log failed runs."""


def debugging() -> bool:
    """Whether tracebacks were asked for: ``EMOFLOW_DEBUG`` set, or Prefect's loggers at DEBUG."""
    if os.environ.get("EMOFLOW_DEBUG", "").strip().lower() in ("1", "true", "yes"):
        return True
    return logging.getLogger("prefect").getEffectiveLevel() <= logging.DEBUG


class OneLineFailures(logging.Filter):
    """Turns a record with a traceback into one line: its message and, when missing, the exception's text."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record; one with a traceback loses it, its exception's text joining the message."""
        if not record.exc_info or debugging():
            return True
        error = record.exc_info[1]
        message = record.getMessage().strip().splitlines()[0] if record.getMessage().strip() else ""
        text = str(error).strip().splitlines()[0] if error is not None and str(error).strip() else ""
        if text and text not in message:
            message = f"{message}: {text}" if message else text
        record.msg, record.args = message, None
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


def install() -> None:
    """Add the filter to Prefect's engine loggers (once per process)."""
    for name in ENGINE_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, OneLineFailures) for f in logger.filters):
            logger.addFilter(OneLineFailures())
