"""DuckDB views over the store: every view exists, partition keys are columns, Parquet metadata is reachable."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from manifest_rows import row

from emoflow.storage import connect, ingest_corpus, query, store_summary


def test_an_empty_store_has_every_view_with_its_columns(store):
    store.root.mkdir(parents=True)
    for view in ("utterances", "features", "errors", "predictions"):
        assert len(query(store.root, f"SELECT * FROM {view}")) == 0
    assert "dataset" in query(store.root, "SELECT * FROM utterances").column_names
    assert "run" in query(store.root, "SELECT * FROM predictions").column_names
    described = query(store.root, "DESCRIBE SELECT * FROM transcripts UNION ALL BY NAME SELECT * FROM errors")
    types = {r["column_name"]: r["column_type"] for r in described.to_pylist()}
    assert types["words"] == "STRUCT(word VARCHAR, start_s DOUBLE, end_s DOUBLE, probability FLOAT)[]"
    assert types["created_at"] == "TIMESTAMP WITH TIME ZONE" and types["turn"] == "INTEGER"


def test_views_read_partitions_feature_sizes_and_lineage(store, write_corpus):
    ingest_corpus(write_corpus([row("u1"), row("u2", turn=1, split="bad")]), "c", store, progress=False)
    store.write_features("c", "text", "small-1", ["u1"], ["d1"], np.ones((1, 3)), {"extractor": "small"})
    store.write_features("c", "audio", "wide-2", ["u1"], ["d1"], np.ones((1, 5)), {"extractor": "wide"})
    store.write_predictions(
        "r1",
        "c",
        "evaluation",
        pa.table(
            {
                "dataset": ["c"],
                "purpose": ["evaluation"],
                "utterance_id": ["u1"],
                "dialogue_id": ["d1"],
                "turn": [0],
                "speaker": ["A"],
                "split": ["train"],
                "label": ["joy"],
                "predicted": ["joy"],
                "confidence": [0.9],
                "probabilities": [[0.9, 0.1]],
                "classes": [["joy", "sadness"]],
                "model": ["mlp"],
            }
        ),
        {"classes": ["joy", "sadness"]},
    )
    sizes = query(store.root, "SELECT modality, extractor, len(vector) AS dim FROM features ORDER BY dim")
    assert sizes.to_pylist() == [
        {"modality": "text", "extractor": "small-1", "dim": 3},
        {"modality": "audio", "extractor": "wide-2", "dim": 5},
    ]
    joined = query(
        store.root,
        "SELECT u.text, e.reason IS NULL AS clean, p.predicted FROM utterances u "
        "LEFT JOIN errors e USING (dataset, utterance_id) JOIN predictions p USING (dataset, utterance_id)",
    )
    assert joined.to_pylist() == [{"text": "words u1", "clean": True, "predicted": "joy"}]
    assert query(store.root, "SELECT count(*) AS n FROM errors WHERE dataset = 'c'").to_pylist() == [{"n": 1}]
    meta = query(
        store.root,
        "SELECT decode(value) AS lineage FROM parquet_kv_metadata('"
        f"{store.root}/features/*/*/extractor=small-1/*.parquet') WHERE key = 'emoflow.lineage'",
    )
    assert '"extractor": "small"' in meta.column("lineage")[0].as_py()


def test_summary_lists_datasets_and_feature_tables(store, write_corpus):
    ingest_corpus(write_corpus([row("u1", label=""), row("u2", turn=1)]), "c", store, progress=False)
    store.write_features("c", "text", "t-1", ["u1", "u2"], ["d1", "d1"], np.ones((2, 4)), {})
    summary = store_summary(store.root).to_pylist()
    assert [(r["table"], r["rows"], r["dim"]) for r in summary] == [("utterances", 2, None), ("t-1", 2, 4)]
    assert summary[0]["labelled"] == 1 and summary[0]["dialogues"] == 1 and summary[0]["errors"] == 0


def test_bad_sql_and_missing_store_say_so(store, tmp_path):
    with pytest.raises(FileNotFoundError, match="no feature store at"):
        connect(tmp_path / "nothing")
    store.root.mkdir(parents=True)
    with pytest.raises(ValueError, match=r"(?s)query failed: .*views: utterances, features, errors, transcripts"):
        query(store.root, "SELECT * FROM nonsense")


def test_a_numeric_dataset_name_stays_text_and_joins(store, write_corpus):
    ingest_corpus(write_corpus([row("u1")]), "2024", store, progress=False)
    store.write_features("2024", "text", "small-1", ["u1"], ["d1"], np.ones((1, 3)), {"extractor": "small"})
    joined = query(
        store.root,
        "SELECT u.dataset, f.extractor FROM utterances u JOIN features f "
        "USING (dataset, utterance_id) WHERE u.dataset = '2024'",
    )
    assert joined.to_pylist() == [{"dataset": "2024", "extractor": "small-1"}]
    assert str(query(store.root, "SELECT dataset FROM utterances").schema.field("dataset").type) == "string"


@pytest.mark.parametrize(
    "sql",
    [
        ("COPY (SELECT 1) TO '{root}/utterances/dataset=c/part-0.parquet'", "COPY is refused (writing files)"),
        ("COPY (SELECT 1) TO '/tmp/emoflow-query-escape.csv'", "COPY is refused (writing files)"),
        ("ATTACH '{root}/../evil.db'", "ATTACH is refused (opening other databases)"),
        ("INSTALL httpfs", "INSTALL is refused (installing or loading extensions)"),
        ("SET enable_external_access = true", "SET is refused (changing settings)"),
        ("CREATE TABLE t AS SELECT 1", "CREATE is refused (creating tables, views or types)"),
    ],
)
def test_query_refuses_statements_that_write_or_reconfigure(store, write_corpus, sql):
    sql, refusal = sql
    ingest_corpus(write_corpus([row("u1")]), "c", store, progress=False)
    part = store.utterances_path("c")
    before = part.read_bytes()
    with pytest.raises(ValueError, match=rf"^emoflow query only reads the store: {re.escape(refusal)}\. Queries may"):
        query(store.root, sql.format(root=store.root))
    assert part.read_bytes() == before and not Path("/tmp/emoflow-query-escape.csv").exists()


def test_pivot_runs_and_a_failed_query_names_every_view(store, write_corpus):
    rows = [row("u1", label="joy"), row("u2", turn=1, label="anger"), row("u3", turn=2, label="joy")]
    ingest_corpus(write_corpus(rows), "c", store, progress=False)
    pivoted = query(store.root, "PIVOT utterances ON label USING count(*) GROUP BY dataset").to_pylist()
    assert pivoted == [{"dataset": "c", "anger": 1, "joy": 2}]
    with pytest.raises(ValueError, match=r"views: utterances, features, errors, transcripts, predictions, lineage$"):
        query(store.root, "SELECT * FROM nowhere")


@pytest.mark.parametrize("reader", ["read_csv('/etc/passwd')", "read_parquet('{root}/../outside.parquet')"])
def test_query_reads_files_of_the_store_only(store, write_corpus, tmp_path, reader):
    ingest_corpus(write_corpus([row("u1")]), "c", store, progress=False)
    (tmp_path / "outside.parquet").write_bytes(store.utterances_path("c").read_bytes())
    with pytest.raises(ValueError, match="file system operations are disabled"):
        query(store.root, f"SELECT * FROM {reader.format(root=store.root)}")
    assert query(store.root, "SELECT count(*) AS n FROM utterances").to_pylist() == [{"n": 1}]
    lineage = query(store.root, "SELECT count(*) AS n FROM lineage WHERE lineage LIKE '%ingest%'").to_pylist()
    assert lineage == [{"n": 1}]
