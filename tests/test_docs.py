"""The documentation is true: every ``sql`` block of the docs runs, and the option tables are the code's."""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from manifest_rows import row

from emoflow.storage import ErrorRecord, ingest_corpus, query

DOCS = Path(__file__).resolve().parents[1] / "docs"
SQL_BLOCKS = [
    block
    for page in ("feature-store.md", "extractors.md", "models.md", "recordings.md")
    for block in re.findall(r"```sql\n(.*?)```", (DOCS / page).read_text(), flags=re.DOTALL)
]


@pytest.fixture
def full_store(store, write_corpus, monkeypatch):
    rows = [row("u0", video_path="u0.mp4", split="test"), row("u1", turn=1, video_path="gone.mp4", split="test")]
    rows += [row("u2", turn=2, label="sadness", split="test")]
    ingest_corpus(write_corpus(rows, media=("u0.mp4",)), "c", store, progress=False)
    vectors = np.array([[1, 0, 0], [0.9, 0.1, 0], [0, 0, 1]], np.float32)
    store.write_features("c", "text", "t-1", ["u0", "u1", "u2"], ["d1"] * 3, vectors, {"extractor": "t"})
    store.replace_errors("c", "extract", "v-1", [ErrorRecord("u2", "u2.mp4: no face found", extractor="v-1")])
    predictions = pa.table(
        {
            "dataset": ["c"] * 3,
            "purpose": ["evaluation"] * 3,
            "utterance_id": ["u0", "u1", "u2"],
            "dialogue_id": ["d1"] * 3,
            "turn": [0, 1, 2],
            "speaker": ["A", "B", "A"],
            "split": ["test"] * 3,
            "label": ["joy", "joy", "sadness"],
            "predicted": ["joy", "sadness", "sadness"],
            "confidence": [0.8, 0.6, 0.9],
            "probabilities": [[0.8, 0.2], [0.4, 0.6], [0.1, 0.9]],
            "classes": [["joy", "sadness"]] * 3,
            "model": ["mlp"] * 3,
        }
    )
    store.write_predictions("r1", "c", "evaluation", predictions, {"classes": ["joy", "sadness"]})
    words = [[{"word": " hello", "start_s": 0.1, "end_s": 0.4, "probability": 0.7}], []]
    transcripts = pa.table(
        {
            "dialogue_id": ["d1"] * 2,
            "utterance_id": ["u0", "u1"],
            "turn": [0, 1],
            "recording": ["d1.mp4"] * 2,
            "start_s": [0.0, 1.2],
            "end_s": [1.0, 2.5],
            "speaker": ["SPEAKER_1", "SPEAKER_2"],
            "speaker_source": ["clustering", "clustering"],
            "text": ["hello", "fine"],
            "text_source": ["asr", "transcript"],
            "language": ["en", None],
            "language_probability": [0.9, None],
            "words": words,
        }
    )
    store.write_transcripts("c", transcripts, {"layout": "recordings"})
    monkeypatch.chdir("/")  # the examples name store files by relative paths, from any working directory
    return store


def test_the_page_has_examples():
    assert len(SQL_BLOCKS) >= 10


@pytest.mark.parametrize("sql", SQL_BLOCKS, ids=[f"block{i}" for i in range(len(SQL_BLOCKS))])
def test_every_sql_example_runs_and_returns_rows(full_store, sql):
    result = query(full_store.root, sql)
    assert len(result) > 0, sql


OPTION_TABLES = DOCS / "option_tables.py"


def test_the_option_tables_in_the_docs_match_the_code():
    done = subprocess.run([sys.executable, str(OPTION_TABLES), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_stale_option_table_is_rewritten_from_the_code():
    tables = runpy.run_path(str(OPTION_TABLES))
    start, end = "<!-- options: emoflow models --format markdown -->\n", "<!-- end options -->\n"
    fresh = tables["updated"](f"intro\n{start}| `hidden` | int | `1` |\n{end}end\n")
    assert fresh.startswith(f"intro\n{start}\n### `amb_dsgdn`\n")
    assert "| `hidden` | int | `1` |" not in fresh and "| `dropout` | float in [0, 1) | `0.3` |" in fresh
    assert fresh.endswith(f"| `modality_dropout` | float in [0, 1) | `0.0` |\n\n{end}end\n")
    assert tables["updated"](fresh) == fresh


PYTHON_BLOCKS = re.findall(
    r"## From pandas and pyarrow.*?```python\n(.*?)```", (DOCS / "feature-store.md").read_text(), flags=re.DOTALL
)


def test_the_pandas_and_pyarrow_examples_read_every_table_with_its_partitions(full_store, monkeypatch):
    audio = np.arange(10, dtype=np.float32).reshape(2, 5)  # another size beside the text vectors of 3
    full_store.write_features("c", "audio", "a-1", ["u0", "u1"], ["d1"] * 2, audio, {"extractor": "a"})
    monkeypatch.chdir(full_store.root.parent)
    (block,) = PYTHON_BLOCKS
    names: dict = {}
    exec(compile(block, "docs/feature-store.md", "exec"), names)  # the page's own example
    features = names["features"]
    assert sorted(features.groupby(["dataset", "modality", "extractor"]).size().items()) == [
        (("c", "audio", "a-1"), 2),
        (("c", "text", "t-1"), 3),
    ]
    assert names["vectors"].shape == (3, 3) and names["table"].num_rows == 3
    assert names["utterances"]["split"].eq("test").all() and len(names["predictions"]) == 3
    assert "u2.mp4: no face found" in list(names["errors"]["reason"]) and len(names["errors"]) == 2


def test_a_table_nothing_was_written_to_reads_as_an_empty_typed_table(store, write_corpus):
    import pandas as pd

    ingest_corpus(write_corpus([row("u0")]), "c", store, progress=False)
    for name in ("errors", "features", "predictions", "transcripts"):
        frame = pd.read_parquet(store.root / name)
        assert frame.empty and "utterance_id" in frame.columns, name
    store.write_features("c", "text", "t-1", ["u0"], ["d1"], [[1.0, 2.0]], {"extractor": "t"})
    hive = f"read_parquet('{store.root}/features/**/*.parquet', hive_partitioning = true)"
    assert duckdb.sql(f"SELECT dataset, extractor, count(*) FROM {hive} GROUP BY ALL").fetchall() == [("c", "t-1", 1)]
