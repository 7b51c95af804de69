"""`emoflow pipeline` from the command line, on a small text-only corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from emoflow_script import run_emoflow
from manifest_rows import labelled_dialogues

from emoflow.cli.main import cli
from emoflow.testing.dask_cluster import free_port


def test_pipeline_command_runs_then_reports_the_cache(prefect_server, write_corpus, tmp_path):
    corpus = write_corpus(labelled_dialogues())
    args = [
        "pipeline",
        "--corpus",
        str(corpus),
        "--store",
        str(tmp_path / "store"),
        "--profile",
        "offline",
        "--modalities",
        "text",
        "--models",
        "mlp",
        "--epochs",
        "2",
        "--seeds",
        "1,2",
    ]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "pipeline on corpus: 7 tasks: 7 ran, 0 cached" in first.output
    assert first.output.count("| mlp-corpus-") == 4  # val and test rows of both seeds' reports
    second = CliRunner().invoke(cli, args)
    assert "pipeline on corpus: 7 tasks: 0 ran, 7 cached" in second.output


def test_pipeline_command_errors_are_one_clear_line(prefect_server, write_corpus, tmp_path):
    corpus = write_corpus(labelled_dialogues())
    base = ["pipeline", "--corpus", str(corpus), "--store", str(tmp_path / "store")]
    for extra, message in (
        (["--modalities", "smell"], "modalities"),
        (["--extractor-set", "colour=red"], "no extractor in this run has the option(s) colour"),
        (["--seeds", "one"], "is not a comma-separated list of integers"),
        (["--task-runner", f"tcp://127.0.0.1:{free_port()}"], "no Dask scheduler answers at tcp://127.0.0.1:"),
        (["--task-runner", '{"cluster_class": "dask_jobqueue.SLURMCluster"}'], "pip install dask-jobqueue"),
    ):
        result = CliRunner().invoke(cli, [*base, *extra])
        assert result.exit_code != 0 and message in result.output and "Traceback" not in result.output, result.output


def test_a_failing_flow_ends_with_one_line_and_debug_shows_the_tracebacks(prefect_server, write_corpus, tmp_path):
    corpus = write_corpus([r for r in labelled_dialogues() if r["split"] != "val"])
    args = ["pipeline", "--corpus", corpus, "--store", tmp_path / "store", "--modalities", "text", "--models", "mlp"]
    quiet = run_emoflow(*args)
    output = quiet.stdout + quiet.stderr
    assert quiet.returncode == 1, output
    assert "Traceback" not in output, output
    assert output.strip().splitlines()[-1] == (
        "Error: training needs train and val dialogues (model selection uses the val split only); found 4 train "
        "and 0 val dialogues: mark some dialogues split=val in the corpus"
    )
    assert "Finished in state Failed" in output  # the Prefect run is marked failed, with the message
    debug = run_emoflow("--debug", *args)
    assert debug.returncode == 1 and "Traceback (most recent call last)" in debug.stderr
    quieter = run_emoflow(*args, "--quiet")  # warnings and the error only: no task's progress
    assert quieter.returncode == 1 and "Finished in state Completed" not in quieter.stdout + quieter.stderr
    assert "Finished in state Completed" in output and "Error: training needs train and val" in quieter.stderr


@pytest.mark.media
def test_demo_runs_the_pipeline_and_prints_metrics_and_queries(prefect_server, demo_dir, tmp_path):
    out = tmp_path / "demo"
    out.mkdir()
    (out / "corpus").symlink_to(demo_dir)
    args = ["demo", "--out", str(out), "--quiet", "--modalities", "text"]  # the demo's model and epochs
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "0 rendered now" in result.output and "pipeline on demo: 5 tasks: 5 ran, 0 cached" in result.output
    assert "| bc_lstm-demo-" in result.output and "WF1" in result.output  # the per-class table
    (test_row,) = [
        line for line in result.output.splitlines() if line.startswith("| bc_lstm-demo-") and " test |" in line
    ]
    learned = float(test_row.strip("|").split("|")[-2])
    baseline = float(
        re.search(r"majority-class baseline \(always '\w+'\): test weighted F1 ([\d.]+)", result.output)[1]
    )
    assert learned > baseline + 30, result.output  # the model learns the words' emotions
    assert "call-0142" in result.output and "new-recordings: 9 of 9 utterances" in result.output
    assert (out / "new-recordings" / "manifest.csv").is_file() and "label" not in (
        out / "new-recordings" / "manifest.csv"
    ).read_text().splitlines()[0]
    timeline = re.search(r"timeline of call-0142: (\S+\.png)", result.output)
    assert timeline and Path(timeline[1]).is_file()
    # the same call as one long mp4, segmented, transcribed and split by speaker before it is predicted
    assert (out / "long-recordings" / "call-0142.mp4").is_file()
    assert f"--corpus {out / 'long-recordings'} --layout recordings" in result.output
    found = re.search(r"long-recordings: (\d+) of (\d+) utterances", result.output)
    assert found and int(found[1]) == int(found[2]) >= 6, result.output
    assert result.output.count("timeline of call-0142:") == 2
    assert result.output.count("$ emoflow query --store") == 4 and "│ test    │" in result.output
    assert "FROM transcripts t JOIN predictions p" in result.output and "birthday present" in result.output
    assert "│ S1      │" in result.output and "│ S2      │" in result.output  # two speakers told apart
    assert f"The store is at {(out / 'store').resolve()}" in result.output
