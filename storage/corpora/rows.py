"""The rows every corpus reader produces, before validation: the generic manifest's columns, as read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

MANIFEST_COLUMNS = (
    "dialogue_id",
    "utterance_id",
    "turn",
    "speaker",
    "text",
    "label",
    "split",
    "video_path",
    "audio_path",
    "start_s",
    "end_s",
)
REQUIRED_COLUMNS = ("dialogue_id", "utterance_id", "turn", "speaker")
MEDIA_COLUMNS = ("video_path", "audio_path")

RawValue = str | int | float | None


@dataclass
class RawRow:
    """One utterance as a reader found it: manifest columns (strings or numbers, ``None`` when empty).

    ``file`` (relative to the corpus root) and ``where`` in it (``"line 7"``) let every error name the row. Strings that
    were not valid UTF-8 on disk hold surrogate escapes, which validation reports.
    """

    values: dict[str, RawValue]
    file: str
    where: str

    @property
    def source(self) -> str:
        """Where the row came from, for people: ``"manifest.csv line 7"``."""
        return f"{self.file} {self.where}"


@dataclass
class RawCorpus:
    """A corpus read from disk: its root folder (media paths are relative to it) and its rows in file order."""

    root: Path
    layout: str
    rows: list[RawRow] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    """The files the rows were read from, for the lineage."""
