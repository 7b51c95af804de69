"""Long synthetic recordings with known truth: the script's dialogues spoken by espeak-ng voices, back to back.

Each conversation joins one or more dialogues of the script into one recording with seeded pauses between turns
(and a little silence at both ends). The truth (who speaks when, and the words) is known to the sample: a turn's
times are those of its non-silent samples. The recordings test and benchmark the ``recordings`` layout (word
error rate, diarisation error rate, segmentation F1 against this truth) and give the demo its long-recording
example. Optionally the demo's moving face runs over the sound (mp4), or each speaker gets one stereo channel.
"""

from __future__ import annotations

import random
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from emoflow.cli.demo_corpus.render import FRAME_RATE, face_image
from emoflow.cli.demo_corpus.script import CAST, DIALOGUES, NEW_CONVERSATION, Dialogue
from emoflow.extractors.media import require_binary, run_tool
from emoflow.recordings.quality import TimedSpeech

RATE = 22050
"""espeak-ng's output rate; the files keep it (the pipeline resamples)."""
PAUSE_S = (0.6, 1.3)
EDGE_S = 0.8
SILENT = 1e-3


@dataclass(frozen=True)
class SpokenTurn:
    """One turn as rendered: its speaker, words and true times in the recording."""

    speaker: str
    text: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Conversation:
    """A rendered recording and its truth."""

    path: Path
    turns: tuple[SpokenTurn, ...]
    duration_s: float

    def truth(self) -> list[TimedSpeech]:
        """The turns as timed speech, for the quality measures."""
        return [TimedSpeech(t.speaker, t.start_s, t.end_s, t.text) for t in self.turns]

    @property
    def speakers(self) -> list[str]:
        """The speakers in order of first appearance."""
        return list(dict.fromkeys(t.speaker for t in self.turns))


BENCH_CONVERSATIONS = {
    "call-2sp": ("call-0142",),
    "chat-3sp": ("d01", "d04"),
    "meet-3sp": ("d02", "d07"),
    "meet-4sp": ("d03", "d08"),
}
"""The benchmark's recordings: 2, 3, 3 and 4 voices, about 40 to 90 s each."""


LONG_RECORDING = "call-0142"
"""The demo's long-recording example: the held-out call as one mp4 (the demo's face over the whole call)."""


def make_long_recordings(out: Path | str) -> Path:
    """The folder ``out`` holding the held-out call as one long mp4 with no sidecars (rendered when missing)."""
    folder = Path(out)
    path = folder / f"{LONG_RECORDING}.mp4"
    if not path.is_file():
        render_conversation(path, script_dialogues([LONG_RECORDING]), video=True)
    return folder


def script_dialogues(ids: Sequence[str]) -> list[Dialogue]:
    """The script's dialogues (and the held-out call) by id."""
    by_id = {d.dialogue_id: d for d in (*DIALOGUES, NEW_CONVERSATION)}
    return [by_id[i] for i in ids]


def render_conversation(
    out: Path, dialogues: Sequence[Dialogue], *, seed: int = 0, video: bool = False, stereo: bool = False
) -> Conversation:
    """Speak ``dialogues`` turn after turn into ``out`` (.wav, or .mp4 with ``video``); returns the truth.

    ``stereo`` puts each speaker on one channel (two speakers at most).
    """
    for binary in ("ffmpeg", "espeak-ng"):
        require_binary(binary)
    rng = random.Random(seed)
    turns = [turn for dialogue in dialogues for turn in dialogue.turns]
    speakers = list(dict.fromkeys(t.speaker for t in turns))
    if stereo and len(speakers) > 2:
        raise ValueError(f"a stereo conversation holds two speakers, not {len(speakers)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    pieces: list[np.ndarray] = [np.zeros((2 if stereo else 1, int(EDGE_S * RATE)), dtype=np.float32)]
    truth, position = [], pieces[0].shape[1]
    for index, turn in enumerate(turns):
        speech = _speak(turn.speaker, turn.text, out.with_name(f".{out.stem}-{index}.wav"))
        voiced = np.flatnonzero(np.abs(speech) > SILENT)
        speech = speech[voiced[0] : voiced[-1] + 1]
        block = np.zeros((pieces[0].shape[0], len(speech)), dtype=np.float32)
        block[speakers.index(turn.speaker) if stereo else 0] = speech
        truth.append(SpokenTurn(turn.speaker, turn.text, position / RATE, (position + len(speech)) / RATE))
        gap = EDGE_S if index == len(turns) - 1 else rng.uniform(*PAUSE_S)
        pieces += [block, np.zeros((block.shape[0], int(gap * RATE)), dtype=np.float32)]
        position += len(speech) + int(gap * RATE)
    sound = np.concatenate(pieces, axis=1)
    wav = out if out.suffix == ".wav" and not video else out.with_name(f".{out.stem}.sound.wav")
    _write_wav(wav, sound)
    if video:
        try:
            run_tool(_video_args(wav, sound.shape[1] / RATE, out), subject=out)
        finally:
            wav.unlink(missing_ok=True)
    return Conversation(out, tuple(truth), sound.shape[1] / RATE)


def write_rttm(conversation: Conversation, path: Path) -> Path:
    """The truth's speaker turns as an RTTM file."""
    stem = conversation.path.stem
    lines = [
        f"SPEAKER {stem} 1 {t.start_s:.3f} {t.end_s - t.start_s:.3f} <NA> <NA> {t.speaker} <NA> <NA>"
        for t in conversation.turns
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_srt(conversation: Conversation, path: Path, *, with_speakers: bool = True) -> Path:
    """The truth as an SRT transcript (``Name: words`` per cue when ``with_speakers``)."""

    def stamp(seconds: float) -> str:
        millis = round(seconds * 1000)
        return f"{millis // 3600000:02d}:{millis // 60000 % 60:02d}:{millis // 1000 % 60:02d},{millis % 1000:03d}"

    blocks = []
    for number, turn in enumerate(conversation.turns, 1):
        text = f"{turn.speaker}: {turn.text}" if with_speakers else turn.text
        blocks.append(f"{number}\n{stamp(turn.start_s)} --> {stamp(turn.end_s)}\n{text}\n")
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def _speak(speaker: str, text: str, wav: Path) -> np.ndarray:
    voice = CAST[speaker]
    try:
        run_tool(
            [
                "espeak-ng",
                "-v",
                voice.espeak,
                "-p",
                str(voice.pitch),
                "-s",
                str(voice.words_per_minute),
                "-w",
                str(wav),
                text,
            ],
            subject=wav,
        )
        with wave.open(str(wav), "rb") as handle:
            if handle.getframerate() != RATE:
                raise ValueError(f"espeak-ng wrote {handle.getframerate()} Hz, expected {RATE}")
            raw = handle.readframes(handle.getnframes())
    finally:
        wav.unlink(missing_ok=True)
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768


def _write_wav(path: Path, sound: np.ndarray) -> None:
    pcm = (np.clip(sound, -1, 1) * 32767).astype("<i2").T.copy()
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(sound.shape[0])
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes(pcm.tobytes())


def _video_args(sound: Path, duration: float, out: Path) -> list[str]:
    video = "[0:v]scale=400:468,crop=320:384:x='40+30*sin(2*PI*t/3.1)':y='42+24*sin(2*PI*t/2.3)',format=yuv420p[v]"
    return [
        "ffmpeg",
        "-y",
        "-v",
        "error",
        "-loop",
        "1",
        "-framerate",
        str(FRAME_RATE),
        "-i",
        str(face_image()),
        "-i",
        str(sound),
        "-filter_complex",
        video,
        "-map",
        "[v]",
        "-map",
        "1:a",
        "-t",
        f"{duration:.3f}",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "28",
        "-c:a",
        "aac",
        "-b:a",
        "64k",
        str(out),
    ]
