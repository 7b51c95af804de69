"""The Parquet feature store: schemas, atomic writes, lineage, corpus ingestion and SQL views.

Everything that reads or writes the store goes through this package.
"""

from storage.dialogues import DialogueArrays, read_dialogues
from storage.ingest import IngestError, IngestReport, ingest_corpus
from storage.lineage import make_lineage
from storage.query import connect, query, store_summary
from storage.store import ErrorRecord, FeatureSet, FeatureStore, FeatureTable

__all__ = [
    "DialogueArrays",
    "ErrorRecord",
    "FeatureSet",
    "FeatureStore",
    "FeatureTable",
    "IngestError",
    "IngestReport",
    "connect",
    "ingest_corpus",
    "make_lineage",
    "query",
    "read_dialogues",
    "store_summary",
]
