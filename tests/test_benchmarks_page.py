"""The benchmarks page is generated from the result records, and the README's numbers come from those records."""

from __future__ import annotations

import json
import re
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE_SCRIPT = ROOT / "docs" / "benchmarks_page.py"
RESULTS = ROOT / "benchmarks" / "results"
RECORD_KEYS = {"benchmark", "commit", "date", "machine", "command", "protocol", "rows"}


def test_the_benchmarks_page_is_the_records_rendered():
    done = subprocess.run([sys.executable, str(PAGE_SCRIPT), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_changed_record_changes_the_page(tmp_path, monkeypatch):
    page = runpy.run_path(str(PAGE_SCRIPT))
    record = {
        "benchmark": "b",
        "title": "A title",
        "commit": "abc1234",
        "date": "2026-12-08T00:00:00+00:00",
        "machine": "x86_64, 2 cores, no GPU",
        "command": "python benchmarks/bench_b.py",
        "protocol": "How.",
        "rows": [{"case": "one", "seconds": 1.5, "extractor_id": "x-1", "values": [1, 2]}],
        "references": [{"case": "paper", "seconds": 1.0}],
    }
    lines = page["section"](record, "benchmarks/results/b.json")
    text = "\n".join(lines)
    assert "## A title" in text and "`abc1234`, 2026-12-08" in text and "| case | seconds |" in text
    assert "| one | 1.5 |" in text and "| *paper (reported)* | 1.0 |" in text
    assert "x-1" not in text and "[1, 2]" not in text  # ids that change with the code and per-run lists stay out


def test_every_record_says_what_measured_it():
    for path in RESULTS.glob("*.json"):
        record = json.loads(path.read_text())
        assert record.keys() >= RECORD_KEYS, f"{path.name} lacks {RECORD_KEYS - record.keys()}"
        assert record["rows"], f"{path.name} has no rows"


def test_every_measured_number_in_the_readme_is_in_a_record():
    records = " ".join(path.read_text() for path in RESULTS.glob("*.json"))
    readme = (ROOT / "README.md").read_text()
    numbers = re.findall(r"\d+\.\d+ ± \d+\.\d+", readme)
    assert numbers, "the README's models table lost its numbers"
    missing = [n for n in numbers if n not in records and n.replace("±", "\\u00b1") not in records]
    assert not missing, f"README numbers with no result record: {missing}"
