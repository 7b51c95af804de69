"""Whisper through CTranslate2 (faster-whisper): words with times, and the language, for each speech segment.

On CPU every segment is decoded on its own with a window the length of the segment (``chunk_length``, not 30 s
of padding) and int8 weights; with ``batch_size > 1`` (the default on CUDA) segments go through faster-whisper's
batched pipeline as clips of one recording. A language the model does not know is an error naming the model's
languages; an English-only model is asked for English.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from emoflow.recordings.audio import SAMPLE_RATE, RecordingError
from emoflow.recordings.segmentation import Segment
from emoflow.recordings.whisper_models import DEFAULT_ASR_MODEL, WhisperWeights, resolve_whisper

MAX_WINDOW_S = 30
"""Whisper's longest window: longer segments are decoded in 30 s windows."""


@dataclass(frozen=True)
class Word:
    """One recognised word, its times in the recording, and the model's probability for it."""

    word: str
    start_s: float
    end_s: float
    probability: float


@dataclass
class SpokenText:
    """What was recognised in one segment."""

    text: str
    language: str
    language_probability: float
    words: list[Word] = field(default_factory=list)


@dataclass(frozen=True)
class AsrSettings:
    """Which Whisper, where, and how to decode (``device``: auto, cpu or cuda)."""

    model: str = DEFAULT_ASR_MODEL
    language: str | None = None
    device: str = "auto"
    beam_size: int = 1
    batch_size: int = 0
    """0: 1 on CPU (segment-length windows), 16 on CUDA."""


class SpeechRecogniser:
    """A loaded Whisper model; :meth:`transcribe` takes one recording's segments."""

    def __init__(self, settings: AsrSettings = AsrSettings()) -> None:
        import ctranslate2
        from faster_whisper import WhisperModel

        self.settings = settings
        self.weights: WhisperWeights = resolve_whisper(settings.model)
        device = settings.device
        if device == "auto":
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        self.device = device
        compute = "int8_float16" if device == "cuda" else "int8"
        self.model = WhisperModel(str(self.weights.folder), device=device, compute_type=compute)
        self.batch_size = settings.batch_size or (16 if device == "cuda" else 1)
        self.language = self._checked_language(settings.language)

    def _checked_language(self, language: str | None) -> str | None:
        if not self.model.model.is_multilingual:
            if language not in (None, "en"):
                raise RecordingError(f"ASR model {self.weights.name} knows English only, not language {language!r}")
            return "en"
        if language is not None and language not in self.model.supported_languages:
            known = ", ".join(self.model.supported_languages)
            raise RecordingError(
                f"ASR model {self.weights.name} does not know language {language!r}; it knows: {known}"
            )
        return language

    def lineage(self) -> dict[str, Any]:
        """What identifies the recogniser's output: model, weights digest, language setting, decoding."""
        return {
            "model": self.weights.name,
            "weights_sha256": self.weights.sha256,
            "language": self.language,
            "beam_size": self.settings.beam_size,
        }

    def transcribe(self, mono: np.ndarray, segments: Sequence[Segment]) -> list[SpokenText]:
        """One :class:`SpokenText` per segment of the 16 kHz recording ``mono``, words timed in the recording."""
        if self.batch_size > 1 and len(segments) > 1:
            return self._batched(mono, segments)
        return [self._one(mono, segment) for segment in segments]

    def _one(self, mono: np.ndarray, segment: Segment) -> SpokenText:
        first = round(segment.start_s * SAMPLE_RATE)
        samples = mono[first : round(segment.end_s * SAMPLE_RATE)]
        window = min(MAX_WINDOW_S, max(1, math.ceil(len(samples) / SAMPLE_RATE)))
        pieces, info = self.model.transcribe(
            samples, language=self.language, beam_size=self.settings.beam_size, word_timestamps=True,
            chunk_length=window, condition_on_previous_text=False, vad_filter=False,
        )  # fmt: skip
        words = [
            Word(w.word.strip(), round(segment.start_s + w.start, 3), round(segment.start_s + w.end, 3), w.probability)
            for piece in pieces
            for w in piece.words or []
        ]
        return SpokenText(_joined(words), info.language, float(info.language_probability), words)

    def _batched(self, mono: np.ndarray, segments: Sequence[Segment]) -> list[SpokenText]:
        from faster_whisper import BatchedInferencePipeline

        pipeline = BatchedInferencePipeline(self.model)
        clips = [{"start": s.start_s, "end": s.end_s} for s in segments]
        pieces, info = pipeline.transcribe(
            mono, language=self.language, beam_size=self.settings.beam_size, word_timestamps=True,
            clip_timestamps=clips, batch_size=self.batch_size, vad_filter=False,
        )  # fmt: skip
        found: list[list[Word]] = [[] for _ in segments]
        starts = np.array([s.start_s for s in segments])
        for piece in pieces:
            for w in piece.words or []:
                middle = (w.start + w.end) / 2
                index = max(0, int(np.searchsorted(starts, middle, side="right")) - 1)
                found[index].append(Word(w.word.strip(), round(w.start, 3), round(w.end, 3), w.probability))
        return [SpokenText(_joined(ws), info.language, float(info.language_probability), ws) for ws in found]


def _joined(words: Sequence[Word]) -> str:
    return " ".join(w.word for w in words if w.word).strip()
