"""A long recording's sound, decoded once: every channel at 16 kHz, float32 (ffmpeg reads any container)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from emoflow.extractors.media import MediaError, media_duration, probe_streams, run_tool

SAMPLE_RATE = 16000
MIN_RECORDING_S = 1.0
"""Shorter recordings are refused: too short for a turn, let alone a conversation."""
MAX_CHANNELS = 2
"""More channels are mixed down to mono (one speaker per channel is understood for stereo only)."""


class RecordingError(ValueError):
    """A recording (or one of its sidecar files) cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class RecordingAudio:
    """The decoded sound: ``channels`` of shape (channels, samples) at :data:`SAMPLE_RATE`."""

    path: Path
    channels: np.ndarray
    has_video: bool = False

    @property
    def mono(self) -> np.ndarray:
        """The channels averaged."""
        return self.channels.mean(axis=0) if len(self.channels) > 1 else self.channels[0]

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return self.channels.shape[1] / SAMPLE_RATE

    def span(self, start_s: float, end_s: float, channel: int | None = None) -> np.ndarray:
        """The samples of ``[start_s, end_s)``, mono or one channel."""
        first, last = round(start_s * SAMPLE_RATE), round(end_s * SAMPLE_RATE)
        source = self.mono if channel is None else self.channels[channel]
        return source[max(first, 0) : max(last, 0)]


def load_recording_audio(path: Path | str) -> RecordingAudio:
    """Decode ``path``'s first audio stream; :class:`RecordingError` when it has none, is corrupt or too short."""
    path = Path(path)
    try:
        streams = probe_streams(path)
        audio = [s for s in streams if s.get("codec_type") == "audio"]
        if not audio:
            kinds = ", ".join(sorted({str(s.get("codec_type")) for s in streams})) or "none"
            raise RecordingError(f"{path}: no audio stream (streams: {kinds})")
        count = int(audio[0].get("channels") or 1)
        count = count if count <= MAX_CHANNELS else 1
        completed = run_tool(
            [
                "ffmpeg",
                "-nostdin",
                "-v",
                "error",
                "-i",
                str(path),
                "-map",
                "0:a:0",
                "-vn",
                "-ac",
                str(count),
                "-ar",
                str(SAMPLE_RATE),
                "-f",
                "f32le",
                "-acodec",
                "pcm_f32le",
                "pipe:1",
            ],
            subject=path,
        )
    except MediaError as error:
        raise RecordingError(str(error)) from None
    samples = np.frombuffer(completed.stdout, dtype="<f4").astype(np.float32)
    channels = samples[: samples.size - samples.size % count].reshape(-1, count).T.copy()
    has_video = any(s.get("codec_type") == "video" and not _is_cover_art(s) for s in streams)
    recording = RecordingAudio(path, channels, has_video)
    if recording.duration_s < MIN_RECORDING_S:
        length = media_duration(streams) or recording.duration_s
        raise RecordingError(f"{path}: {length:.2f} s of audio, shorter than the {MIN_RECORDING_S:.0f} s minimum")
    return recording


def _is_cover_art(stream: dict[str, object]) -> bool:
    disposition = stream.get("disposition")
    return isinstance(disposition, dict) and bool(disposition.get("attached_pic"))
