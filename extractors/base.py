"""What every extractor shares: its input rows, its result, its id, the device it runs on.

An extractor turns utterances into one float32 vector each (optionally a frame sequence too). It never writes
to the store itself: :func:`extractors.run.extract_features` reads the utterances, calls :meth:`Extractor.extract`
and writes the vectors, the errors and the lineage.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from emoflow.core.code_digest import code_identity
from emoflow.storage.hashing import json_digest
from emoflow.storage.store import ErrorRecord


@dataclass(frozen=True)
class UtteranceInput:
    """One utterance as an extractor sees it: a row of ``utterances`` with its media resolved."""

    utterance_id: str
    dialogue_id: str
    turn: int
    speaker: str
    text: str | None
    label: str | None
    split: str | None
    video_path: str | None
    audio_path: str | None
    start_s: float | None
    end_s: float | None
    content_hash: str

    @property
    def sound_path(self) -> str | None:
        """The file holding the utterance's audio: its own audio file, else its video."""
        return self.audio_path or self.video_path


@dataclass
class Extraction:
    """What an extractor produced: vectors for the utterances that worked, an error for each one that did not.

    ``details`` goes into the lineage: which weights were used (and whether they were random), fallbacks taken.
    """

    utterance_ids: list[str]
    vectors: np.ndarray
    frames: Sequence[np.ndarray | None] | None = None
    errors: list[ErrorRecord] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


class WeightsError(RuntimeError):
    """Model weights could not be loaded; the message says where they were looked for and how to provide them."""


class Extractor(ABC):
    """Base of all extractors: a name, a modality, a frozen config dataclass, and :meth:`extract`."""

    name: ClassVar[str]
    modality: ClassVar[str]
    Config: ClassVar[type]
    counted_details: ClassVar[tuple[str, ...]] = ()
    """Lineage ``details`` that count per utterance: summed (lists joined) when segments are combined."""
    feature_stream: ClassVar[bool] = False
    """True for features meant to go beside a modality's main vector, not instead of it (nade's emotion scores):
    the pipeline appends them to the main table (``--features text=<main>+<stream>``)."""

    def __init__(self, config: Any) -> None:
        self.config = config

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.extractor_id})"

    @property
    def extractor_id(self) -> str:
        """``<name>-<8 hex>``: the name and a hash of the config values that change the output and of the code."""
        code = code_identity(type(self).__module__)
        return f"{self.name}-{json_digest([config_hash(self.config), code], digest_size=4)}"

    @property
    def uses_labels(self) -> bool:
        """Whether the output depends on the train/val labels (a trained stage): then labels are part of its key."""
        return False

    @classmethod
    def reuse_options(cls, details: Mapping[str, Any]) -> dict[str, Any]:
        """Options that reuse the trained stage recorded in ``details`` (a feature table's lineage) on new data.

        A trained extractor (fine-tuned text encoder, audio encoder) trained on one dataset's labels serves
        another dataset, labelled or not, with these options set. Empty for extractors that train nothing.
        """
        return {}

    @classmethod
    def combine_details(cls, parts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """The lineage details of an extraction made of segments.

        The first segment's details, with :attr:`counted_details` summed over all segments (lists joined in order).
        """
        combined = dict(parts[0]) if parts else {}
        for key in cls.counted_details:
            values = [p[key] for p in parts if key in p]
            if values:
                combined[key] = [x for v in values for x in v] if isinstance(values[0], list) else sum(values)
        return combined

    def wants(self, row: UtteranceInput) -> bool:
        """Whether ``row`` has an input for this modality (rows without one stay missing, not failed)."""
        if self.modality == "text":
            return bool(row.text and row.text.strip())
        if self.modality == "audio":
            return row.sound_path is not None
        return row.video_path is not None

    def error(self, row: UtteranceInput, reason: str, path: str | None = None) -> ErrorRecord:
        """An error record of this extractor for ``row``."""
        return ErrorRecord(row.utterance_id, reason, input_path=path, extractor=self.extractor_id)

    @abstractmethod
    def extract(self, rows: Sequence[UtteranceInput], *, cache_dir: Path, progress: bool = True) -> Extraction:
        """Features for ``rows``; ``cache_dir`` holds trained stages (fine-tuned weights, encoders) between runs."""


def config_hash(config: Any) -> str:
    """8 hex digits over the config fields that change features (fields marked :data:`NOT_HASHED` are left out)."""
    values = {f.name: getattr(config, f.name) for f in dataclasses.fields(config) if f.metadata.get("hash", True)}
    return json_digest(values, digest_size=4)


def batches(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    """Consecutive slices of at most ``size`` items."""
    if size < 1:
        raise ValueError(f"batch size must be at least 1, got {size}")
    return [items[i : i + size] for i in range(0, len(items), size)]
