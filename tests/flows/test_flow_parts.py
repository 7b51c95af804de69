"""Flow building blocks that need no server: task runners, parameter validation, cache keys."""

from __future__ import annotations

import os

import pytest
from manifest_rows import row
from prefect.exceptions import ParameterTypeError
from prefect.task_runners import ThreadPoolTaskRunner
from prefect_dask import DaskTaskRunner

from emoflow.flows.cache_keys import content_key, corpus_listing, ingest_key
from emoflow.flows.pipeline_flow import pipeline
from emoflow.flows.task_runner import make_task_runner, runs_in_processes
from emoflow.storage.ingest import dataset_name


def test_task_runners_by_name_and_environment(monkeypatch):
    threads = make_task_runner("threads")
    assert isinstance(threads, ThreadPoolTaskRunner) and not runs_in_processes(threads)
    local = make_task_runner("dask")
    assert isinstance(local, DaskTaskRunner) and runs_in_processes(local)
    assert local.cluster_kwargs["host"] == "127.0.0.1"  # no unauthenticated scheduler on every interface
    assert local.cluster_kwargs["dashboard_address"].startswith("127.0.0.1:")
    remote = make_task_runner("tcp://10.0.0.5:8786")
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://10.0.0.5:8786"
    monkeypatch.setenv("EMOFLOW_TASK_RUNNER", "dask")
    assert isinstance(make_task_runner(), DaskTaskRunner)
    with pytest.raises(ValueError, match="unknown task runner 'gpu'"):
        make_task_runner("gpu")


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"modalities": ["smell"]}, "modalities"),
        ({"modalities": []}, "modalities"),
        ({"models": ["transformer9000"]}, "unknown model 'transformer9000'"),
        ({"seeds": [1, 1]}, "values repeat"),
        ({"dataset": "../escape"}, "dataset"),
        ({"device": "tpu"}, "device"),
        ({"chunk_size": 0}, "chunk_size"),
    ],
)
def test_bad_parameters_fail_with_the_field_named(bad, field):
    with pytest.raises(ParameterTypeError, match=field):
        pipeline.validate_parameters({"corpus": "c", **bad})


def test_good_parameters_pass():
    checked = pipeline.validate_parameters({"corpus": "c", "modalities": ["text"], "models": ["mlp", "mmgcn"]})
    assert checked["modalities"] == ["text"] and checked["models"] == ["mlp", "mmgcn"]


def test_dataset_name_defaults_to_the_corpus_folder(tmp_path):
    folder = tmp_path / "My Corpus"
    folder.mkdir()
    (folder / "manifest.csv").write_text("x")
    assert dataset_name(str(folder)) == dataset_name(str(folder / "manifest.csv")) == "my-corpus"


def test_ingest_key_follows_the_corpus_files(write_corpus, tmp_path):
    corpus = write_corpus([row("u1")], media=("clips/a.mp4",))
    parameters = {"corpus": str(corpus), "dataset": "c", "store": str(tmp_path / "s"), "layout": "auto", "options": {}}
    key = ingest_key(None, parameters)
    assert key == ingest_key(None, parameters) and key.startswith("ingest-")
    assert [name for name, _, _ in corpus_listing(corpus)] == ["clips/a.mp4", "manifest.csv"]
    os.utime(corpus / "clips" / "a.mp4", ns=(1, 1))
    assert ingest_key(None, parameters) != key
    assert ingest_key(None, {**parameters, "store": str(tmp_path / "other")}) != ingest_key(None, parameters)
    assert content_key("train", tmp_path, "r1") != content_key("train", tmp_path, "r2")
