"""SQL over the store: DuckDB views ``utterances``, ``features``, ``errors``, ``predictions``.

Each view reads the Parquet parts in place with Hive partitioning, so the partition keys (``dataset``,
``modality``, ``extractor``, ``run``) are ordinary columns. A table the store does not hold yet is an empty view
with the right columns, so queries written for a full store run on a new one too.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from emoflow.storage.schema import ERRORS, PREDICTIONS, UTTERANCES

VIEWS: dict[str, tuple[str, pa.Schema]] = {
    "utterances": ("utterances/dataset=*/*.parquet", UTTERANCES.append(pa.field("dataset", pa.string()))),
    "features": (
        "features/dataset=*/modality=*/extractor=*/*.parquet",
        pa.schema(
            [
                ("utterance_id", pa.string()),
                ("dialogue_id", pa.string()),
                ("vector", pa.list_(pa.float32())),
                ("frames", pa.list_(pa.list_(pa.float32()))),
                ("dataset", pa.string()),
                ("modality", pa.string()),
                ("extractor", pa.string()),
            ]
        ),
    ),
    "errors": ("errors/dataset=*/*.parquet", ERRORS.append(pa.field("dataset", pa.string()))),
    "predictions": ("predictions/run=*/*.parquet", PREDICTIONS.append(pa.field("run", pa.string()))),
}


def connect(store_root: Path | str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the store's views defined."""
    root = Path(store_root)
    if not root.is_dir():
        raise FileNotFoundError(f"no feature store at {root} (run `emoflow ingest` first, or pass --store)")
    con = duckdb.connect()
    for name, (pattern, schema) in VIEWS.items():
        files = [p for p in root.glob(pattern) if not p.name.startswith(".")]
        if files:
            glob = str(root / pattern).replace("'", "''")
            con.execute(
                f"CREATE VIEW {name} AS SELECT * FROM "
                f"read_parquet('{glob}', hive_partitioning = true, union_by_name = true)"
            )
        else:
            con.register(f"_empty_{name}", schema.empty_table())
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM _empty_{name}")
    return con


def query(store_root: Path | str, sql: str) -> pa.Table:
    """Run ``sql`` over the store's views and return the result as an Arrow table."""
    con = connect(store_root)
    try:
        relation = con.sql(sql)
        return relation.to_arrow_table() if relation is not None else pa.table({})
    except duckdb.Error as error:
        raise ValueError(f"query failed: {error}\nviews: {', '.join(VIEWS)}") from None
    finally:
        con.close()


def store_summary(store_root: Path | str) -> pa.Table:
    """One row per dataset, modality and extractor (``modality`` null for the utterances themselves)."""
    return query(
        store_root,
        """
        WITH u AS (
            SELECT dataset, count(*) AS rows, count(DISTINCT dialogue_id) AS dialogues,
                   count(label) AS labelled, string_agg(DISTINCT split, ',' ORDER BY split) AS splits
            FROM utterances GROUP BY dataset),
        f AS (
            SELECT dataset, modality, extractor, count(*) AS rows, max(len(vector)) AS dim
            FROM features GROUP BY ALL),
        e AS (SELECT dataset, count(*) AS errors FROM errors GROUP BY dataset)
        SELECT u.dataset, NULL AS modality, 'utterances' AS "table", u.rows, u.dialogues, u.labelled, u.splits,
               NULL::BIGINT AS dim, coalesce(e.errors, 0) AS errors
        FROM u LEFT JOIN e USING (dataset)
        UNION ALL
        SELECT f.dataset, f.modality, f.extractor, f.rows, NULL, NULL, NULL, f.dim, NULL FROM f
        ORDER BY 1, 2 NULLS FIRST, 3
        """,
    )
