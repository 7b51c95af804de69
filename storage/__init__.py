"""The Parquet feature store: schemas, atomic writes, lineage, corpus ingestion and SQL views.

Everything that reads or writes the store goes through this package.
"""

from emoflow.storage.dialogues import DialogueArrays, read_dialogues
from emoflow.storage.ingest import IngestError, IngestReport, ingest_corpus
from emoflow.storage.lineage import make_lineage
from emoflow.storage.query import connect, query, store_summary
from emoflow.storage.store import ErrorRecord, FeatureSet, FeatureStore, FeatureTable

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
