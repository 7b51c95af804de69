"""A benchmark's results as a dated record: what was measured, by which commit, on which machine, with which
command. ``docs/benchmarks_page.py`` renders every record under ``benchmarks/results/`` into docs/benchmarks.md.

A record is JSON: ``benchmark`` (its id), ``title``, ``commit``, ``date``, ``machine``, ``command``,
``protocol`` (how it was measured), ``rows`` (one dict per table row; list values and ``*_id`` keys are kept
in the file but not shown), and optionally ``notes`` (what the table shows), ``references`` (published numbers
as rows of the same table) and ``order`` (its place on the page).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def spread(values: list[float]) -> str:
    """Mean ± sample standard deviation of fractions, in percent."""
    values = [100 * v for v in values]
    return f"{statistics.mean(values):.2f} ± {statistics.stdev(values) if len(values) > 1 else 0.0:.2f}"


def commit() -> str:
    """The checkout's commit, ``-dirty`` when tracked files differ from it (``unknown`` outside git)."""
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return (done.stdout.strip() or "unknown") + ("-dirty" if changed else "")


def machine() -> str:
    """This machine in words: CPU cores and the GPU when torch sees one."""
    gpu = "no GPU"
    try:
        import torch

        if torch.cuda.is_available():
            gpu = torch.cuda.get_device_name(0)
    except ImportError:
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores, {gpu}"


def write_record(
    path: Path, *, benchmark: str, title: str, protocol: str, rows: list[dict[str, Any]], **extra: Any
) -> None:
    """Write the record to ``path`` with this run's commit, date, machine and command."""
    record = {
        "benchmark": benchmark,
        "title": title,
        "commit": commit(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "command": " ".join(["python", *sys.argv]),
        "protocol": protocol,
        **extra,
        "rows": rows,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
