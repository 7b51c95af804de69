"""Flow building blocks that need no server: task runners, parameter validation, cache keys."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from distributed import LocalCluster
from manifest_rows import row
from prefect.exceptions import ParameterTypeError
from prefect.task_runners import ThreadPoolTaskRunner
from prefect_dask import DaskTaskRunner

from emoflow.extractors.run import ExtractReport
from emoflow.flows.cache_keys import content_key, corpus_listing, ingest_key
from emoflow.flows.dask_task_runner import check_scheduler
from emoflow.flows.pipeline_flow import default_features, pipeline
from emoflow.flows.task_runner import make_task_runner
from emoflow.storage.ingest import dataset_name
from emoflow.testing.dask_cluster import free_port


@pytest.mark.slow
def test_the_flows_import_what_only_running_work_needs_when_it_runs():
    # a fully cached run draws no plot, scores nothing and starts no cluster: matplotlib, scikit-learn and Dask
    # cost seconds to import, so the flow modules leave them to the code that uses them
    code = (
        "import sys, emoflow.flows.pipeline_flow, emoflow.flows.predict_flow, emoflow.flows.retrain_flow; "
        "print(' '.join(m for m in ('matplotlib', 'sklearn', 'distributed', 'prefect_dask') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []


def test_task_runners_by_name_and_environment(monkeypatch):
    assert isinstance(make_task_runner("threads"), ThreadPoolTaskRunner)
    local = make_task_runner("dask")
    assert isinstance(local, DaskTaskRunner) and local.cluster_class is LocalCluster
    assert local.cluster_kwargs["host"] == "127.0.0.1"  # no unauthenticated scheduler on every interface
    assert local.cluster_kwargs["dashboard_address"].startswith("127.0.0.1:")
    remote = make_task_runner("tcp://10.0.0.5:8786")
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://10.0.0.5:8786"
    monkeypatch.setenv("EMOFLOW_TASK_RUNNER", "dask")
    assert isinstance(make_task_runner(), DaskTaskRunner)
    with pytest.raises(ValueError, match="unknown task runner 'gpu'"):
        make_task_runner("gpu")


def test_a_cluster_sized_by_a_spec_inline_or_in_a_file(tmp_path, monkeypatch):
    sized = make_task_runner('{"cluster_kwargs": {"n_workers": 2, "threads_per_worker": 1, "memory_limit": "2GiB"}}')
    assert sized.cluster_kwargs == {
        "host": "127.0.0.1",
        "dashboard_address": "127.0.0.1:8787",
        "n_workers": 2,
        "threads_per_worker": 1,
        "memory_limit": "2GiB",
    }
    spec = tmp_path / "cluster.yaml"
    spec.write_text("cluster_kwargs:\n  n_workers: 1\n  host: 10.0.0.2\nadapt_kwargs:\n  minimum: 1\n  maximum: 4\n")
    monkeypatch.setenv("EMOFLOW_TASK_RUNNER", str(spec))
    from_file = make_task_runner()
    assert from_file.cluster_kwargs["host"] == "10.0.0.2" and from_file.adapt_kwargs == {"minimum": 1, "maximum": 4}
    assert make_task_runner('{"address": "tls://10.0.0.5:8786"}').address == "tls://10.0.0.5:8786"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ('{"cluster_class": "dask_jobqueue.SLURMCluster"}', "is not installed .* pip install dask-jobqueue"),
        ('{"cluster_class": "distributed.NoSuchCluster"}', "distributed has no NoSuchCluster"),
        ('{"workers": 2}', "task runner spec: workers: Extra inputs are not permitted"),
        ('{"cluster_kwargs": [1, 2]}', "cluster_kwargs: Input should be a valid dictionary"),
        ('{"address": "tcp://h:1", "cluster_kwargs": {"n_workers": 2}}', "either address or cluster_class"),
        ("{not json: [", "not JSON or YAML"),
        ("missing.yaml", "task runner file missing.yaml does not exist"),
    ],
)
def test_a_bad_task_runner_spec_is_one_clear_error(spec, message):
    with pytest.raises(ValueError, match=message):
        make_task_runner(spec)


def test_an_unreachable_scheduler_is_named_before_anything_runs():
    closed = free_port()
    with pytest.raises(ValueError, match=f"no Dask scheduler answers at tcp://127.0.0.1:{closed} .*dask scheduler"):
        check_scheduler(f"tcp://127.0.0.1:{closed}", timeout_s=5)
    with pytest.raises(ValueError, match="needs a host and a port"):
        check_scheduler("tcp://scheduler")


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


def test_the_pipeline_trains_on_the_last_encoder_with_the_feature_streams_appended(tmp_path):
    def report(modality, extractor_id):
        return ExtractReport("d", modality, extractor_id, 1, 1, 0, 0, False, tmp_path, 0.0, {})

    reports = [
        report("text", "text_transformer-aa"),
        report("text", "nade_scores-bb"),
        report("audio", "opensmile-cc"),
        report("audio", "audio_bilstm-dd"),
    ]
    assert default_features(reports, ["text", "audio"]) == {
        "text": "text_transformer-aa+nade_scores-bb",
        "audio": "audio_bilstm-dd",
    }
    assert default_features(reports, ["audio"]) == {"audio": "audio_bilstm-dd"}
    faces = [report("visual", "visual_cnn-ee"), report("visual", "face_expression-ff")]
    assert default_features(faces, ["visual"]) == {"visual": "visual_cnn-ee+face_expression-ff"}
    assert default_features(faces[1:], ["visual"]) == {"visual": "face_expression-ff"}  # a stream alone is the main
