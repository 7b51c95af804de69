"""One recording into utterances: segments, speakers and words, from its sidecars where given, else made.

Order of precedence (``docs/recordings.md``):

* **segments and words**: a transcript sidecar's cues; else the RTTM turns (words by Whisper); else Silero VAD
  segments (words by Whisper);
* **speakers**: names in the transcript (when every cue has one); else the RTTM turn overlapping the segment
  most; else one speaker per stereo channel; else GE2E embeddings clustered.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from emoflow.recordings.audio import RecordingAudio, RecordingError, load_recording_audio
from emoflow.recordings.diarisation import channel_speakers, cluster_speakers, segment_embeddings
from emoflow.recordings.segmentation import Segment, SegmentRules, speech_segments
from emoflow.recordings.sidecars import Cue, check_within, read_transcript
from emoflow.recordings.speech_recognition import SpeechRecogniser, SpokenText, Word
from emoflow.recordings.voice_activity import speech_probabilities


@dataclass
class Turn:
    """One utterance found in a recording, with where its speaker and text came from."""

    start_s: float
    end_s: float
    speaker: str
    speaker_source: str
    text: str | None
    text_source: str
    language: str | None = None
    language_probability: float | None = None
    words: list[Word] = field(default_factory=list)


@dataclass
class RecordingAnalysis:
    """A recording's turns, its length and channels, and seconds spent per step (for real-time factors)."""

    path: str
    duration_s: float
    channels: int
    has_video: bool
    turns: list[Turn]
    seconds: dict[str, float]
    asr: dict[str, Any] | None
    notes: list[str] = field(default_factory=list)
    """What a user should know about the analysis (speech left untranscribed, and why): one line each."""

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (the per-recording cache and the flow's artifact)."""
        return asdict(self)

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> RecordingAnalysis:
        """Back from :meth:`to_json`."""
        turns = [Turn(**{**t, "words": [Word(**w) for w in t["words"]]}) for t in value["turns"]]
        return cls(**{**value, "turns": turns})


@dataclass(frozen=True)
class RecordingSettings:
    """How recordings are analysed: segmentation rules, the number of speakers if known."""

    rules: SegmentRules = field(default_factory=SegmentRules)
    speakers: int | None = None

    def __post_init__(self) -> None:
        if self.speakers is not None and self.speakers < 1:
            raise ValueError(f"speakers must be at least 1, got {self.speakers}")


def analyse_recording(
    media: Path,
    *,
    transcript: Path | None = None,
    rttm: tuple[Path, list[Cue]] | None = None,
    settings: RecordingSettings = RecordingSettings(),
    recogniser: Callable[[], SpeechRecogniser] | None = None,
) -> RecordingAnalysis:
    """Turns of the recording ``media``; :class:`RecordingError` naming the file when it cannot be used.

    ``rttm`` is the RTTM file and this recording's turns in it; ``recogniser`` makes (or returns) the Whisper
    model, called only when words are needed.
    """
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    audio = load_recording_audio(media)
    seconds["decode"] = time.perf_counter() - clock

    cues: list[Cue] | None = None
    if transcript is not None:
        cues = read_transcript(transcript)
        check_within(cues, audio.duration_s, transcript)
    if rttm is not None:
        check_within(rttm[1], audio.duration_s, rttm[0])

    clock = time.perf_counter()
    if cues is not None:
        segments = [Segment(c.start_s, min(c.end_s, audio.duration_s)) for c in cues]
    elif rttm is not None:
        segments = [Segment(c.start_s, min(c.end_s, audio.duration_s)) for c in rttm[1]]
    else:
        segments = speech_segments(speech_probabilities(audio.mono), audio.duration_s, settings.rules)
        seconds["vad"] = time.perf_counter() - clock
        if not segments:
            raise RecordingError(f"{media}: no speech found in {audio.duration_s:.1f} s of audio")

    clock = time.perf_counter()
    speakers, speaker_source = _speakers(audio, segments, cues, rttm, settings)
    if speaker_source == "clustering":
        seconds["diarisation"] = time.perf_counter() - clock

    asr_lineage = None
    if cues is not None:
        spoken = [SpokenText(c.text, "", 0.0) for c in cues]
        text_source = "transcript"
    else:
        if recogniser is None:
            raise RecordingError(f"{media}: no transcript sidecar, and no speech recogniser was given")
        model = recogniser()
        clock = time.perf_counter()
        spoken = model.transcribe(audio.mono, segments)
        seconds["asr"] = time.perf_counter() - clock
        asr_lineage = model.lineage()
        text_source = "asr"

    turns = [
        Turn(
            segment.start_s,
            segment.end_s,
            speaker,
            speaker_source,
            said.text or None,
            "untranscribed" if said.untranscribed else text_source,
            said.language or None,
            said.language_probability if said.language else None,
            said.words,
        )
        for segment, speaker, said in zip(segments, speakers, spoken, strict=True)
    ]
    return RecordingAnalysis(
        str(media),
        audio.duration_s,
        audio.channels.shape[0],
        audio.has_video,
        turns,
        seconds,
        asr_lineage,
        untranscribed_notes(media, spoken),
    )


def untranscribed_notes(media: Path, spoken: list[SpokenText]) -> list[str]:
    """One line per reason segments were left untranscribed, with how many (their voice and face stay)."""
    reasons: dict[str, int] = {}
    for said in spoken:
        if said.untranscribed:
            reason = said.untranscribed.split(" (")[0] if "language" not in said.untranscribed else said.untranscribed
            reasons[reason] = reasons.get(reason, 0) + 1
    return [
        f"{media.name}: {count} of {len(spoken)} segments left untranscribed: {reason} (their voice and face are "
        "still used)"
        for reason, count in reasons.items()
    ]


def _speakers(
    audio: RecordingAudio,
    segments: Sequence[Segment],
    cues: list[Cue] | None,
    rttm: tuple[Path, list[Cue]] | None,
    settings: RecordingSettings,
) -> tuple[list[str], str]:
    if cues is not None and all(c.speaker for c in cues):
        return [str(c.speaker) for c in cues], "transcript"
    if rttm is not None:
        return [_overlapping_speaker(segment, rttm[1]) for segment in segments], "rttm"
    by_channel = channel_speakers(audio, segments)
    if by_channel is not None:
        return by_channel, "channel"
    return cluster_speakers(segment_embeddings(audio, segments), settings.speakers), "clustering"


def _overlapping_speaker(segment: Segment, turns: list[Cue]) -> str:
    def overlap(turn: Cue) -> float:
        return min(segment.end_s, turn.end_s) - max(segment.start_s, turn.start_s)

    best = max(turns, key=overlap)
    if overlap(best) > 0:
        return str(best.speaker)
    nearest = min(turns, key=lambda t: min(abs(t.start_s - segment.end_s), abs(segment.start_s - t.end_s)))
    return str(nearest.speaker)
