"""The deployments for real: a Prefect server, `prefect deploy`, a process worker, `prefect deployment run`.

Everything runs in subprocesses under a temporary PREFECT_HOME on a free loopback port; every process started
here is stopped at the end, with its children.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from emoflow.models.training.runs import train_runs
from emoflow.storage import FeatureStore

pytestmark = [pytest.mark.media, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[2]
PREFECT = [sys.executable, "-m", "prefect"]
DEPLOYMENTS = (
    "ingest-corpus/local",
    "extract-features/local",
    "train-model/local",
    "evaluate-model/local",
    "pipeline/local",
    "retrain/weekly",
    "predict/local",
    "predict/on-promotion",
)
PROMOTED = """
import sys, time
from prefect import get_client
from prefect.client.schemas.actions import DeploymentUpdate
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
from emoflow.flows.events import emit_model_decision

store, arrived = sys.argv[1:]
with get_client(sync_client=True) as client:
    deployment = client.read_deployment_by_name("predict/on-promotion")
    client.update_deployment(deployment.id, DeploymentUpdate(parameters={"corpus": arrived}))
emit_model_decision(store, "demo", "mlp", True, None, {"model": "candidate"})  # what retrain sends on promotion
deadline = time.monotonic() + 600
while time.monotonic() < deadline:
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])))
    if runs and runs[0].state and runs[0].state.is_final():
        print(runs[0].state.name, runs[0].parameters)
        break
    time.sleep(2)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(url: str, server: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"prefect server exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    pytest.fail(f"prefect server not healthy after {timeout} s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    """Stop a process started in its own session, and everything it started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def prefect(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    done = subprocess.run([*PREFECT, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_API_URL=f"http://127.0.0.1:{port}/api",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        HF_HUB_OFFLINE="1",
    )
    log = tmp_path / "server.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [*PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_healthy(env["PREFECT_API_URL"], process, log)
        yield env
    finally:
        stop(process)


def test_deploy_all_then_extract_predict_and_an_automation_on_a_worker(server, demo_dir, new_recordings, tmp_path):
    env = server
    store = tmp_path / "store"
    prefect(env, "work-pool", "create", "local", "--type", "process")
    deployed = prefect(env, "--no-prompt", "deploy", "--all")
    for name in DEPLOYMENTS:
        assert name in deployed.stdout, deployed.stdout
    weekly = prefect(env, "deployment", "inspect", "retrain/weekly")
    assert "0 3 * * 1" in weekly.stdout and "'profile': 'offline'" in weekly.stdout
    with open(tmp_path / "worker.log", "w") as out:
        worker = subprocess.Popen(
            [*PREFECT, "worker", "start", "--pool", "local"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        run = prefect(
            env,
            "deployment",
            "run",
            "extract-features/local",
            "--param",
            f"corpus={demo_dir}",
            "--param",
            "dataset=demo",
            "--param",
            f"store={store}",
            "--param",
            "profile=offline",
            "--param",
            'modalities=["text"]',
            "--watch",
            "--watch-timeout",
            "600",
            timeout=700,
        )
        assert "Completed" in run.stdout, run.stdout + (tmp_path / "worker.log").read_text()[-3000:]
        failed = subprocess.run(
            [
                *PREFECT,
                "deployment",
                "run",
                "extract-features/local",
                "--param",
                "corpus=demo/nope",
                "--param",
                "dataset=nope",
                "--param",
                f"store={store}",
                "--watch",
                "--watch-timeout",
                "300",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=400,
        )
        assert "Failed" in failed.stdout + failed.stderr, failed.stdout + failed.stderr
        (trained,) = train_runs(
            FeatureStore(store), "demo", "mlp", ["text"], progress=False, train_overrides={"epochs": 2, "batch_size": 2}
        )
        predicted = prefect(
            env,
            "deployment",
            "run",
            "predict/local",
            "--param",
            f"corpus={new_recordings}",
            "--param",
            f"store={store}",
            "--param",
            "model=mlp",
            "--param",
            "trained_on=demo",
            "--watch",
            "--watch-timeout",
            "600",
            timeout=700,
        )
        # the automation declared with predict/on-promotion: a promotion event runs it on the worker, the event's
        # labels naming the store, the model and its training dataset
        arrived = tmp_path / "arrived"
        shutil.copytree(new_recordings, arrived)
        triggered = subprocess.run(
            [sys.executable, "-c", PROMOTED, str(store), str(arrived)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=700,
        )
    finally:
        stop(worker)
    full_log = (tmp_path / "worker.log").read_text()
    worker_log = full_log[-3000:]
    # the failed run: one line saying what was wrong and where a relative path was looked for; no traceback
    assert "demo/nope: no such file or folder (a relative path, looked for in " in full_log, full_log[-6000:]
    assert "Traceback" not in full_log, full_log[-6000:]
    assert triggered.stdout.startswith("Completed"), triggered.stdout + triggered.stderr[-3000:] + worker_log
    assert f"'store': '{store.resolve()}'" in triggered.stdout and "'model': 'mlp'" in triggered.stdout
    assert "Completed" in predicted.stdout, predicted.stdout + (tmp_path / "worker.log").read_text()[-3000:]
    rows = (
        duckdb.connect()
        .sql(
            f"SELECT dataset, purpose, count(*) FROM read_parquet('{store}/predictions/*/*.parquet', "
            f"hive_partitioning = true) WHERE run = '{trained.run_id}' GROUP BY ALL ORDER BY ALL"
        )
        .fetchall()
    )
    assert rows == [("arrived", "prediction", 9), ("demo", "evaluation", 31), ("new-recordings", "prediction", 9)]
    assert list(store.glob("timelines/*/dataset=new-recordings/call-0142.png"))
    parts = sorted(store.glob("features/dataset=demo/modality=text/extractor=*/*.parquet"))
    assert [p.name for p in parts] == ["part-00000.parquet"] * 2  # MiniLM and nade's stream
    con = duckdb.connect()
    rows = con.sql(
        f"SELECT extractor, count(*), any_value(len(vector)) FROM read_parquet("
        f"'{store}/features/**/*.parquet', hive_partitioning = true) WHERE dataset = 'demo' "
        "AND modality = 'text' GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert [(e.split("-")[0], n, d) for e, n, d in rows] == [("nade_scores", 92, 159), ("text_transformer", 92, 384)]
    utterances = con.sql(f"SELECT count(*) FROM '{store}/utterances/dataset=demo/*.parquet'").fetchall()
    assert utterances == [(92,)]
