"""SQL over the store: views ``utterances``, ``features``, ``transcripts``, ``errors``, ``predictions``, ``lineage``.

Each view reads the Parquet parts in place with Hive partitioning, so the partition keys (``dataset``,
``modality``, ``extractor``, ``run``) are ordinary columns, always text. A table the store does not hold yet is
an empty view with the right columns, so queries written for a full store run on a new one too.

Queries are read-only and confined to the store: the connection may read files under the store folder only (no
other file, no network, no extension installs, its settings locked), and :func:`query` runs only statements
that read (``SELECT``, ``WITH``, ``EXPLAIN``, ``DESCRIBE``, ``SHOW``, ``SUMMARIZE``). Writing results is the
caller's job (``emoflow query --out``).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from emoflow.storage.schema import ERRORS, FEATURES, PREDICTIONS, TRANSCRIPTS, UTTERANCES

VIEWS: dict[str, tuple[str, pa.Schema]] = {  # the tables; the lineage view is built from their files
    "utterances": ("utterances/dataset=*/*.parquet", UTTERANCES.append(pa.field("dataset", pa.string()))),
    "features": (
        "features/dataset=*/modality=*/extractor=*/*.parquet",
        pa.schema([*FEATURES, *(pa.field(key, pa.string()) for key in ("dataset", "modality", "extractor"))]),
    ),
    "errors": ("errors/dataset=*/*.parquet", ERRORS.append(pa.field("dataset", pa.string()))),
    "transcripts": ("transcripts/dataset=*/*.parquet", TRANSCRIPTS.append(pa.field("dataset", pa.string()))),
    "predictions": ("predictions/run=*/*.parquet", PREDICTIONS.append(pa.field("run", pa.string()))),
}


PARTITION_KEYS = {
    "utterances": ("dataset",),
    "features": ("dataset", "modality", "extractor"),
    "errors": ("dataset",),
    "transcripts": ("dataset",),
    "predictions": ("run",),
}
"""The Hive partition keys of each view, always read as text."""


READING_STATEMENTS = {"SELECT", "EXPLAIN", "PRAGMA"}
"""Statement types :func:`query` runs (``DESCRIBE``, ``SHOW`` and ``SUMMARIZE`` are ``SELECT``s to DuckDB)."""
READING_KEYWORDS = ("PIVOT", "UNPIVOT")
"""Queries DuckDB parses as several statements (a ``PIVOT`` makes an in-memory type, then selects): allowed."""
REFUSED_WORDS = {
    "LOAD": "installing or loading extensions",
    "COPY": "writing files",
    "EXPORT": "writing files",
    "ATTACH": "opening other databases",
    "DETACH": "opening other databases",
    "SET": "changing settings",
    "VARIABLE_SET": "changing settings",
    "CREATE": "creating tables, views or types",
    "CREATE_FUNC": "creating functions",
    "INSERT": "changing data",
    "UPDATE": "changing data",
    "DELETE": "changing data",
    "DROP": "dropping tables or views",
    "ALTER": "changing tables",
}
"""What a refused statement would do, in words."""
VIEW_NAMES = (*VIEWS, "lineage")
"""Every view a query may read."""
LINEAGE_PATTERNS = tuple(VIEWS[name][0] for name in ("utterances", "features", "transcripts", "predictions"))
"""The files whose lineage the ``lineage`` view lists (errors files carry none)."""


def connect(store_root: Path | str, *, confined: bool = True) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the store's views defined.

    ``confined`` (the default) lets the connection read files under the store folder only, with external access,
    extension loading and its configuration locked; ``confined=False`` is for code that needs DuckDB unrestricted.
    """
    root = Path(store_root)
    if not root.is_dir():
        raise FileNotFoundError(f"no feature store at {root} (run `emoflow ingest` first, or pass --store)")
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    quoted_root = str(root.resolve()).replace("'", "''")
    if confined:
        con.execute(f"SET allowed_directories = ['{quoted_root}/']")
    for name, (pattern, schema) in VIEWS.items():
        files = [p for p in root.glob(pattern) if not p.name.startswith(".")]
        if files:
            glob = str(root.resolve() / pattern).replace("'", "''")
            keys = ", ".join(f"'{key}': VARCHAR" for key in PARTITION_KEYS[name])  # a dataset named 2024 stays text
            con.execute(
                f"CREATE VIEW {name} AS SELECT * FROM "
                f"read_parquet('{glob}', hive_partitioning = true, hive_types = {{{keys}}}, union_by_name = true)"
            )
        else:  # typed columns, no rows (written as SQL: registering an Arrow table would import pandas)
            columns = ", ".join(f'CAST(NULL AS {sql_type(f.type)}) AS "{f.name}"' for f in schema)
            con.execute(f"CREATE VIEW {name} AS SELECT {columns} WHERE false")
    _lineage_view(con, root.resolve())
    if confined:
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    return con


SQL_TYPES = {
    pa.string(): "VARCHAR",
    pa.large_string(): "VARCHAR",
    pa.bool_(): "BOOLEAN",
    pa.int8(): "TINYINT",
    pa.int16(): "SMALLINT",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.float32(): "FLOAT",
    pa.float64(): "DOUBLE",
    pa.binary(): "BLOB",
    pa.date32(): "DATE",
}


def sql_type(arrow_type: pa.DataType) -> str:
    """DuckDB's name for an Arrow column type (lists and structs nested)."""
    if arrow_type in SQL_TYPES:
        return SQL_TYPES[arrow_type]
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMPTZ" if arrow_type.tz else "TIMESTAMP"
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type) or pa.types.is_fixed_size_list(arrow_type):
        return f"{sql_type(arrow_type.value_type)}[]"
    if pa.types.is_struct(arrow_type):
        return "STRUCT(" + ", ".join(f'"{f.name}" {sql_type(f.type)}' for f in arrow_type) + ")"
    raise TypeError(f"no DuckDB type for Arrow type {arrow_type}")


def _lineage_view(con: duckdb.DuckDBPyConnection, root: Path) -> None:
    """``lineage``: every stored table file with its lineage record (JSON text), which stage wrote it and how."""
    globs = [str(root / p).replace("'", "''") for p in LINEAGE_PATTERNS if any(root.glob(p))]
    if globs:
        listed = ", ".join(f"'{g}'" for g in globs)
        con.execute(
            "CREATE VIEW lineage AS SELECT file_name, decode(value) AS lineage "
            f"FROM parquet_kv_metadata([{listed}]) WHERE decode(key) = 'emoflow.lineage'"
        )
    else:
        con.execute("CREATE VIEW lineage AS SELECT NULL::VARCHAR AS file_name, NULL::VARCHAR AS lineage WHERE false")


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse, with one clear line, any statement that is not a query (COPY, ATTACH, INSTALL, SET, CREATE, ...)."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as error:
        raise ValueError(f"query failed: {error}") from None
    for statement in statements:
        kind = statement.type.name
        text = statement.query.strip()
        first = text.split(None, 1)[0].upper() if text else kind
        if kind in READING_STATEMENTS or (kind == "MULTI" and first in READING_KEYWORDS):
            continue
        what = REFUSED_WORDS.get(kind, f"{kind.lower().replace('_', ' ')} statements")
        raise ValueError(
            f"emoflow query only reads the store: {first} is refused ({what}). Queries may use SELECT, WITH, "
            "PIVOT, EXPLAIN, DESCRIBE, SHOW and SUMMARIZE; to save a result, use --format csv|parquet --out FILE"
        )


def query(store_root: Path | str, sql: str) -> pa.Table:
    """Run ``sql`` over the store's views and return the result as an Arrow table."""
    con = connect(store_root)
    try:
        check_read_only(con, sql)
        relation = con.sql(sql)
        return relation.to_arrow_table() if relation is not None else pa.table({})
    except duckdb.Error as error:
        raise ValueError(f"query failed: {error}\nviews: {', '.join(VIEW_NAMES)}") from None
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
