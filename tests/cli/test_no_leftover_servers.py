"""Commands that run flows without PREFECT_API_URL stop every process they start, even when run side by side."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from manifest_rows import labelled_dialogues

pytestmark = pytest.mark.integration


def processes_marked(marker: str) -> list[str]:
    """Command lines of the live processes whose environment holds ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:  # ended meanwhile, or not ours to read
            continue
    return found


def write_manifest(folder: Path, rows: list[dict[str, str]]) -> Path:
    folder.mkdir(parents=True)
    with open(folder / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


def test_two_pipelines_at_once_and_a_failing_one_leave_no_process_and_print_no_traceback(tmp_path):
    good = write_manifest(tmp_path / "good", labelled_dialogues())
    no_val = write_manifest(tmp_path / "no-val", [r for r in labelled_dialogues() if r["split"] != "val"])
    marker = f"EMOFLOW_TEST_MARK_{uuid.uuid4().hex}"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env = {**clean, marker: "1", "PREFECT_HOME": str(tmp_path / "prefect-home")}
    env |= {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "240", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    script = Path(sys.executable).parent / "emoflow"
    runs = {}
    for name, corpus in (("first", good), ("second", good), ("failing", no_val)):
        args = [
            "pipeline",
            "--corpus",
            corpus,
            "--store",
            tmp_path / f"store-{name}",
            "--modalities",
            "text",
            "--models",
            "mlp",
            "--epochs",
            "1",
        ]
        runs[name] = subprocess.Popen(
            [script, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
    outputs = {name: process.communicate(timeout=900)[0] for name, process in runs.items()}
    codes = {name: process.returncode for name, process in runs.items()}
    assert codes == {"first": 0, "second": 0, "failing": 1}, outputs
    for name, output in outputs.items():
        assert "Traceback" not in output and "Errno 98" not in output, f"{name}:\n{output}"
    assert "Error: training needs train and val dialogues" in outputs["failing"].splitlines()[-1]
    assert processes_marked(marker) == []
