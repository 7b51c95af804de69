"""Prefect retries transient task failures only, and a task past its timeout fails without a retry."""

from __future__ import annotations

import errno

import pytest
from manifest_rows import labelled_dialogues
from prefect import flow, task
from prefect.task_engine import TaskRunTimeoutError

from emoflow.core.time_limit import TimeLimitError
from emoflow.extractors.media import MediaError
from emoflow.flows.pipeline_flow import pipeline
from emoflow.flows.retries import RETRY_OPTIONS, is_transient

CALLS: dict[str, int] = {}


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (OSError(errno.EIO, "Input/output error"), True),
        (OSError(errno.ESTALE, "Stale file handle"), True),
        (ConnectionResetError(errno.ECONNRESET, "reset by peer"), True),
        (TimeoutError("read timed out"), True),
        (FileNotFoundError(errno.ENOENT, "No such file", "a.mp4"), False),
        (PermissionError(errno.EACCES, "Permission denied"), False),
        (OSError("Could not open Parquet input source"), False),  # no errno: a bad file, not a flaky disk
        (MediaError("clips/u1.mp4: ffmpeg: invalid data"), False),
        (ValueError("unknown option colour"), False),
        (TaskRunTimeoutError("ran past 5 s"), False),
        (TimeLimitError("training x: ran past its 60 s time limit"), False),
    ],
)
def test_which_failures_are_transient(error, transient):
    assert is_transient(error) is transient


@task(**{**RETRY_OPTIONS, "retry_delay_seconds": 0})
def flaky(name: str, error: str) -> str:
    CALLS[name] = CALLS.get(name, 0) + 1
    if CALLS[name] == 1:
        raise OSError(errno.EIO, "Input/output error") if error == "io" else ValueError("bad option")
    return "done"


@flow
def run_flaky(name: str, error: str) -> str:
    return flaky(name, error)


def test_a_transient_failure_is_retried_and_a_deterministic_one_is_not(prefect_server):
    assert run_flaky("io", "io") == "done" and CALLS["io"] == 2
    with pytest.raises(ValueError, match="bad option"):
        run_flaky("value", "value")
    assert CALLS["value"] == 1


def test_a_task_past_its_time_limit_fails_and_keeps_what_it_committed(prefect_server, write_corpus, tmp_path):
    corpus = write_corpus(labelled_dialogues())
    store = tmp_path / "store"
    limit = r"training mlp-corpus-\w+-s1: ran past its 1e-09 s time limit after epoch 1 of 3"
    with pytest.raises(TimeLimitError, match=limit):
        pipeline(
            corpus=str(corpus), store=str(store), modalities=["text"], models=["mlp"], epochs=3, task_timeout_s=1e-9
        )
    assert list(store.glob("features/dataset=corpus/modality=text/*/part-00000.parquet"))  # extraction committed
    assert not list(store.glob("runs/*/checkpoint.pt"))  # the timed-out run is not written
