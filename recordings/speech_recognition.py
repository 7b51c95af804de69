"""Whisper through CTranslate2 (faster-whisper): words with times, and the language, for each speech segment.

On CPU every segment is decoded on its own with a window the length of the segment (``chunk_length``, not 30 s
of padding) and int8 weights; with ``batch_size > 1`` (the default on CUDA) segments go through faster-whisper's
batched pipeline as clips of one recording. A language the model does not know is an error naming the model's
languages.

Speech it cannot transcribe is said, not invented: before an English-only model is used (and no ``language``
was given), the recording's language is identified with the multilingual model that ships (``whisper-base``,
or the model itself when multilingual); speech in another language leaves every segment untranscribed, with a
reason naming the language and the option that fixes it. A segment whose decoding fails Whisper's own
hallucination checks (:mod:`recordings.transcript_checks`) is left untranscribed too. Untranscribed segments
keep their voice and face: only the text modality is missing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from emoflow.extractors.packaged_files import MissingPackageError
from emoflow.extractors.whisper_models import DEFAULT_ASR_MODEL, WhisperWeights, resolve_whisper
from emoflow.recordings.audio import SAMPLE_RATE, RecordingError
from emoflow.recordings.segmentation import Segment
from emoflow.recordings.transcript_checks import decoding_rejection, looped_ngram

MAX_WINDOW_S = 30
"""Whisper's longest window: longer segments are decoded in 30 s windows."""
LANGUAGE_ID_MODEL = "whisper-base"
LANGUAGE_ID_S = 30
"""Seconds of the recording's speech (its first segments) the language is identified from."""
LANGUAGE_MIN_PROBABILITY = 0.5
"""A language identified with less confidence than this is not acted on."""


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
    untranscribed: str | None = None
    """Why no text was kept (speech in another language, a hallucination check), or None."""


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
        self._identifier: Any = None

    @property
    def english_only(self) -> bool:
        """Whether the model knows English only."""
        return not self.model.model.is_multilingual

    def identify_language(self, mono: np.ndarray, segments: Sequence[Segment]) -> tuple[str, float] | None:
        """The language of the first :data:`LANGUAGE_ID_S` seconds of speech, with its probability.

        None when no multilingual model is at hand (the ``whisper-base`` extra is not installed).
        """
        if self._identifier is None:
            if not self.english_only:
                self._identifier = self.model
            else:
                from faster_whisper import WhisperModel

                try:
                    weights = resolve_whisper(LANGUAGE_ID_MODEL)
                except MissingPackageError:
                    return None
                compute = "int8_float16" if self.device == "cuda" else "int8"
                self._identifier = WhisperModel(str(weights.folder), device=self.device, compute_type=compute)
        pieces, total = [], 0
        for segment in segments:
            piece = mono[round(segment.start_s * SAMPLE_RATE) : round(segment.end_s * SAMPLE_RATE)]
            pieces.append(piece[: LANGUAGE_ID_S * SAMPLE_RATE - total])
            total += len(pieces[-1])
            if total >= LANGUAGE_ID_S * SAMPLE_RATE:
                break
        language, probability, _ = self._identifier.detect_language(audio=np.concatenate(pieces))
        return str(language), float(probability)

    def _foreign_speech(self, mono: np.ndarray, segments: Sequence[Segment]) -> list[SpokenText] | None:
        """Every segment untranscribed when an English-only model meets speech in another language, else None."""
        if not self.english_only or self.settings.language is not None or not segments:
            return None
        found = self.identify_language(mono, segments)
        if found is None or found[0] == "en" or found[1] < LANGUAGE_MIN_PROBABILITY:
            return None
        language, probability = found
        reason = (
            f"speech in language {language!r} (probability {probability:.2f}), which {self.weights.name} "
            f"cannot transcribe (English only): --asr-model whisper-base --language {language} transcribes "
            "it"
        )
        return [SpokenText("", language, probability, [], reason) for _ in segments]

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
        """One :class:`SpokenText` per segment of the 16 kHz recording ``mono``, words timed in the recording.

        Segments it cannot transcribe have no text and say why (``untranscribed``; see the module docstring).
        """
        foreign = self._foreign_speech(mono, segments)
        if foreign is not None:
            return foreign
        if self.batch_size > 1 and len(segments) > 1:
            spoken = self._batched(mono, segments)
        else:
            spoken = [self._one(mono, segment) for segment in segments]
        for said in spoken:
            looped = looped_ngram(said.text) if said.untranscribed is None else None
            if looped:
                _reject(said, looped)
        return spoken

    def _one(self, mono: np.ndarray, segment: Segment) -> SpokenText:
        first = round(segment.start_s * SAMPLE_RATE)
        samples = mono[first : round(segment.end_s * SAMPLE_RATE)]
        window = min(MAX_WINDOW_S, max(1, math.ceil(len(samples) / SAMPLE_RATE)))
        pieces, info = self.model.transcribe(
            samples,
            language=self.language,
            beam_size=self.settings.beam_size,
            word_timestamps=True,
            chunk_length=window,
            condition_on_previous_text=False,
            vad_filter=False,
        )
        words, rejections = [], []
        for piece in pieces:
            rejection = decoding_rejection(piece.avg_logprob, piece.compression_ratio, piece.no_speech_prob)
            if rejection:
                rejections.append(rejection)
                continue
            words += [
                Word(
                    w.word.strip(),
                    round(segment.start_s + w.start, 3),
                    round(segment.start_s + w.end, 3),
                    w.probability,
                )
                for w in piece.words or []
            ]
        said = SpokenText(_joined(words), info.language, float(info.language_probability), words)
        if not said.text and rejections:
            _reject(said, rejections[0])
        return said

    def _batched(self, mono: np.ndarray, segments: Sequence[Segment]) -> list[SpokenText]:
        from faster_whisper import BatchedInferencePipeline

        pipeline = BatchedInferencePipeline(self.model)
        clips = [{"start": s.start_s, "end": s.end_s} for s in segments]
        pieces, info = pipeline.transcribe(
            mono,
            language=self.language,
            beam_size=self.settings.beam_size,
            word_timestamps=True,
            clip_timestamps=clips,
            batch_size=self.batch_size,
            vad_filter=False,
        )
        found: list[list[Word]] = [[] for _ in segments]
        rejected: list[str | None] = [None for _ in segments]
        starts = np.array([s.start_s for s in segments])
        for piece in pieces:
            index = max(0, int(np.searchsorted(starts, (piece.start + piece.end) / 2, side="right")) - 1)
            rejection = decoding_rejection(piece.avg_logprob, piece.compression_ratio, piece.no_speech_prob)
            if rejection:
                rejected[index] = rejected[index] or rejection
                continue
            for w in piece.words or []:
                middle = (w.start + w.end) / 2
                index = max(0, int(np.searchsorted(starts, middle, side="right")) - 1)
                found[index].append(Word(w.word.strip(), round(w.start, 3), round(w.end, 3), w.probability))
        spoken = [SpokenText(_joined(ws), info.language, float(info.language_probability), ws) for ws in found]
        for said, rejection in zip(spoken, rejected, strict=True):
            if not said.text and rejection:
                _reject(said, rejection)
        return spoken


def _reject(said: SpokenText, reason: str) -> None:
    """Leave ``said`` untranscribed, saying why (its language is kept)."""
    said.text, said.words, said.untranscribed = "", [], reason


def _joined(words: Sequence[Word]) -> str:
    return " ".join(w.word for w in words if w.word).strip()
