"""Arrow schemas of the feature store's tables and the vocabularies they use.

Every table the store writes is declared here, so readers (DuckDB views, later stages) and writers agree on
names and types. Hive partition columns (``dataset``, ``modality``, ``extractor``, ``run``) are not stored inside
the files: they come from the folder names.
"""

from __future__ import annotations

import pyarrow as pa

SPLITS = ("train", "val", "test")
"""The split values stored in ``utterances.split`` (null means unsplit)."""

SPLIT_ALIASES = {"dev": "val", "valid": "val", "validation": "val"}
"""Spellings accepted in manifests and normalised to :data:`SPLITS`."""

MODALITIES = ("text", "audio", "visual")

UTTERANCES = pa.schema(
    [
        pa.field("dialogue_id", pa.string(), nullable=False),
        pa.field("utterance_id", pa.string(), nullable=False),
        pa.field("turn", pa.int32(), nullable=False),
        pa.field("speaker", pa.string(), nullable=False),
        pa.field("text", pa.string()),
        pa.field("label", pa.string()),
        pa.field("split", pa.string()),
        pa.field("video_path", pa.string()),
        pa.field("audio_path", pa.string()),
        pa.field("start_s", pa.float64()),
        pa.field("end_s", pa.float64()),
        pa.field("content_hash", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
    ]
)
"""One row per utterance: the manifest columns (media paths made absolute), a content hash of the utterance's
inputs (text, media bytes, segment) and ``source``, the file and line the row was read from."""

WORD = pa.struct(
    [
        pa.field("word", pa.string()),
        pa.field("start_s", pa.float64()),
        pa.field("end_s", pa.float64()),
        pa.field("probability", pa.float32()),
    ]
)
TRANSCRIPTS = pa.schema(
    [
        pa.field("dialogue_id", pa.string(), nullable=False),
        pa.field("utterance_id", pa.string(), nullable=False),
        pa.field("turn", pa.int32(), nullable=False),
        pa.field("recording", pa.string(), nullable=False),
        pa.field("start_s", pa.float64(), nullable=False),
        pa.field("end_s", pa.float64(), nullable=False),
        pa.field("speaker", pa.string(), nullable=False),
        pa.field("speaker_source", pa.string(), nullable=False),
        pa.field("text", pa.string()),
        pa.field("text_source", pa.string(), nullable=False),
        pa.field("language", pa.string()),
        pa.field("language_probability", pa.float32()),
        pa.field("words", pa.list_(WORD)),
    ]
)
"""One row per utterance found in a long recording (the ``recordings`` layout): where its segment, speaker
(``transcript``, ``rttm``, ``channel`` or ``clustering``) and text (``transcript`` or ``asr``) came from, the
recognised language and words with their times in the recording."""

ERRORS = pa.schema(
    [
        pa.field("utterance_id", pa.string()),
        pa.field("stage", pa.string(), nullable=False),
        pa.field("extractor", pa.string()),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("input_path", pa.string()),
        pa.field("created_at", pa.timestamp("us", tz="UTC"), nullable=False),
    ]
)
"""One row per utterance and stage that failed. ``reason`` names the file and the problem."""

PURPOSES = ("evaluation", "prediction")
"""Why a run scored utterances: ``evaluation`` of its own dataset's val/test, or ``prediction`` on new data."""

PREDICTIONS = pa.schema(
    [
        pa.field("dataset", pa.string(), nullable=False),
        pa.field("purpose", pa.string(), nullable=False),
        pa.field("utterance_id", pa.string(), nullable=False),
        pa.field("dialogue_id", pa.string(), nullable=False),
        pa.field("turn", pa.int32()),
        pa.field("speaker", pa.string()),
        pa.field("split", pa.string()),
        pa.field("label", pa.string()),
        pa.field("predicted", pa.string(), nullable=False),
        pa.field("confidence", pa.float32(), nullable=False),
        pa.field("probabilities", pa.list_(pa.float32()), nullable=False),
        pa.field("classes", pa.list_(pa.string()), nullable=False),
        pa.field("model", pa.string(), nullable=False),
    ]
)
"""One row per scored utterance of a run and dataset: the utterance (turn, speaker, gold label when known), the
predicted class and its probability (``confidence``), every class's probability in the order of ``classes``,
and the model. Utterance ids are unique within a dataset only: join on ``(dataset, utterance_id)``."""


VECTOR = pa.list_(pa.float32())
"""A feature vector: a variable-length float32 list, so that every extractor's table, whatever its size, reads as
one dataset in any Parquet reader (a fixed-size list per size would not unify). Each table's size is in its
lineage (``dim``); every row of a table has it."""
FRAMES = pa.list_(VECTOR)


def feature_schema(dim: int, *, with_frames: bool = False) -> pa.Schema:
    """Schema of a feature table: one ``dim``-sized float32 vector per utterance, optionally its frame sequence."""
    if dim < 1:
        raise ValueError(f"a feature vector needs at least one dimension, got {dim}")
    fields = [
        pa.field("utterance_id", pa.string(), nullable=False),
        pa.field("dialogue_id", pa.string(), nullable=False),
        pa.field("vector", VECTOR, nullable=False),
    ]
    if with_frames:
        fields.append(pa.field("frames", FRAMES))
    return pa.schema(fields)


FEATURES = feature_schema(1, with_frames=True)
"""The columns of every feature table (the size of its vectors aside)."""
