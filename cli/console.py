"""What the terminal shows when a command fails: one clear line; tracebacks only with ``--debug``.

Every ``emoflow`` command runs inside :class:`CommandGroup`, which turns an exception into one ``Error:`` line
(exit code 1): the message itself for errors a user can fix (a bad path, bad input, an unknown name), the type
and message with a hint for anything else. The flows log through Prefect's console handler, which would print
each failed task's and flow's traceback; :func:`quiet_prefect_tracebacks` keeps their one-line messages and
drops the tracebacks (the Prefect run keeps its state message, and a server still receives the full logs).
``emoflow --debug`` (or ``EMOFLOW_DEBUG=1``) shows every traceback instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from typing import Any

import click

DEBUG_HINT = "rerun with --debug for the traceback"


LAZY_USER_ERRORS = {
    "prefect.exceptions": "ParameterTypeError",
    "emoflow.extractors.base": "WeightsError",
    "emoflow.extractors.media": "MediaError",
}
"""User errors defined in modules a command may not have imported: an error can only be one of them when its
module is loaded, so none is imported just to print a message (prefect alone takes seconds)."""


def user_error_types() -> tuple[type[BaseException], ...]:
    """The exceptions that describe something the user can fix; their message is the whole story."""
    from emoflow.storage import IngestError

    loaded = tuple(getattr(sys.modules[m], name) for m, name in LAZY_USER_ERRORS.items() if m in sys.modules)
    return FileNotFoundError, ValueError, KeyError, IngestError, *loaded


def one_line(error: BaseException) -> str:
    """The message printed for ``error``: its text for a user error, else its type, text and the debug hint."""
    if isinstance(error, user_error_types()):
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        return str(message)
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}{': ' + text if text else ''} (unexpected; {DEBUG_HINT})"


class CommandGroup(click.Group):
    """A click group whose commands fail with one line (see the module docstring); ``--debug`` re-raises."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; an exception it raises becomes one ``Error:`` line unless ``--debug`` was given.

        With ``--debug``, ``EMOFLOW_DEBUG`` is set while the command runs, so that failed flow runs log their
        tracebacks too (:mod:`emoflow.flows.failure_logs`), here and in processes it starts.
        """
        with _debug_environment(bool(ctx.find_root().params.get("debug"))):
            return self._invoke_reporting_errors(ctx)

    def _invoke_reporting_errors(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            raise click.ClickException("interrupted; what was written before stays valid, a rerun resumes") from None
        except BrokenPipeError:  # the reader stopped (`emoflow query ... | head`): stop quietly, as Unix tools do
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
            raise click.exceptions.Exit(0) from None
        except Exception as error:
            if ctx.find_root().params.get("debug"):
                raise
            raise click.ClickException(one_line(error)) from None


@contextlib.contextmanager
def _debug_environment(debug: bool) -> Iterator[None]:
    """``EMOFLOW_DEBUG=1`` while the block runs when ``debug``; the environment as it was afterwards."""
    if not debug:
        yield
        return
    previous = os.environ.get("EMOFLOW_DEBUG")
    os.environ["EMOFLOW_DEBUG"] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("EMOFLOW_DEBUG", None)
        else:
            os.environ["EMOFLOW_DEBUG"] = previous


class _WithoutTraceback(logging.Formatter):
    """Formats a record through ``inner`` with its traceback left out (the record itself is not changed)."""

    def __init__(self, inner: logging.Formatter | None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            return self.inner.format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


def _prefect_console_handlers() -> list[logging.Handler]:
    """Prefect's console handlers in this process (its logging set up first)."""
    from prefect.logging.configuration import ensure_logging_setup
    from prefect.logging.handlers import PrefectConsoleHandler

    ensure_logging_setup()
    known = logging.Logger.manager.loggerDict.values()
    loggers = [logging.getLogger(), *(v for v in known if isinstance(v, logging.Logger))]
    return [h for logger in loggers for h in logger.handlers if isinstance(h, PrefectConsoleHandler)]


def quiet_prefect_tracebacks() -> None:
    """Drop tracebacks from Prefect's console output in this process (its messages stay, one line each)."""
    for handler in _prefect_console_handlers():
        if not isinstance(handler.formatter, _WithoutTraceback):
            handler.setFormatter(_WithoutTraceback(handler.formatter))


def quiet_prefect_console() -> None:
    """Show only warnings and errors of the flows on the terminal (``--quiet``); a server still gets every log."""
    for handler in _prefect_console_handlers():
        handler.setLevel(logging.WARNING)
