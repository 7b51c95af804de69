"""Media tools in one place: finding the ffmpeg/ffprobe/espeak-ng binaries, running them, probing streams.

Every failure names the file and carries the tool's own message, so a bad input can be recorded in the
store's ``errors`` table as it is.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np

INSTALL_HINT = "install it with: sudo apt-get install -y ffmpeg espeak-ng   (or run `make setup`)"


_ADDRESS = re.compile(r" @ 0x[0-9a-fA-F]+")


class MediaError(RuntimeError):
    """A media tool failed on a file; the message names the file and the tool's complaint."""


def failure_reason(error: Exception, path: Path | str | None) -> str:
    """The errors-table reason for a failed utterance, naming the file.

    A :class:`MediaError` is kept as it is; anything else (a decoder or library choking on one file, which must
    not stop the batch) is prefixed with the file and the exception type.
    """
    if isinstance(error, MediaError):
        return str(error)
    return f"{path}: {type(error).__name__}: {error}"


def require_binary(name: str) -> str:
    """The path of the executable ``name``, or a clear error saying how to install it."""
    path = shutil.which(name)
    if path is None:
        raise MediaError(f"{name} is not on PATH; {INSTALL_HINT}")
    return path


def run_tool(args: list[str], *, subject: Path | str, timeout_s: float = 600) -> subprocess.CompletedProcess[bytes]:
    """Run a media tool; on failure raise :class:`MediaError` naming ``subject`` and the tool's last words."""
    binary = require_binary(args[0])
    try:
        completed = subprocess.run([binary, *args[1:]], capture_output=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        raise MediaError(f"{subject}: {args[0]} did not finish within {timeout_s:.0f} s") from None
    if completed.returncode != 0:
        message = completed.stderr.decode(errors="replace").strip().splitlines()
        tail = " | ".join(message[-3:]) or f"exit status {completed.returncode}"
        tail = _ADDRESS.sub("", tail)  # ffmpeg names its decoders by memory address: not part of the reason
        raise MediaError(f"{subject}: {args[0]} failed: {tail}")
    return completed


def probe_streams(path: Path | str) -> list[dict[str, Any]]:
    """The streams of a media file as ffprobe reports them (codec_type, codec_name, duration, ...)."""
    completed = run_tool(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)], subject=path
    )
    info = json.loads(completed.stdout or b"{}")
    streams: list[dict[str, Any]] = info.get("streams", [])
    return streams


def media_duration(streams: list[dict[str, Any]]) -> float | None:
    """The longest stream duration ffprobe reports, in seconds (``None`` when it reports none)."""
    durations = [float(s["duration"]) for s in streams if s.get("duration") not in (None, "N/A")]
    return max(durations) if durations else None


def _segment_args(path: Path | str, start_s: float | None, end_s: float | None) -> list[str]:
    """Ffmpeg input arguments that decode only ``[start_s, end_s]`` (input seeking: no decoding before start)."""
    args = []
    if start_s:
        args += ["-ss", f"{start_s:.3f}"]
    if end_s is not None:
        args += ["-t", f"{end_s - (start_s or 0.0):.3f}"]
    return [*args, "-i", str(path)]


def _check_segment(path: Path | str, streams: list[dict[str, Any]], start_s: float | None) -> None:
    duration = media_duration(streams)
    if start_s and duration is not None and start_s >= duration:
        raise MediaError(f"{path}: the segment starts at {start_s:.2f} s but the file lasts {duration:.2f} s")


def decode_audio(
    path: Path | str, start_s: float | None = None, end_s: float | None = None, *, sample_rate: int = 16000
) -> np.ndarray:
    """The segment's first audio stream as float32 mono samples at ``sample_rate`` Hz, in [-1, 1].

    Any container and codec ffmpeg reads (mp4, avi, mkv, webm, wav, flac, mp3, ...), any sample rate and channel
    count: channels are averaged. Raises :class:`MediaError` when the file has no audio stream or the segment
    holds no sound.
    """
    streams = probe_streams(path)
    if not any(s.get("codec_type") == "audio" for s in streams):
        kinds = ", ".join(sorted({str(s.get("codec_type")) for s in streams})) or "none"
        raise MediaError(f"{path}: no audio stream (streams: {kinds})")
    _check_segment(path, streams, start_s)
    completed = run_tool(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            *_segment_args(path, start_s, end_s),
            "-map",
            "0:a:0",
            "-vn",
            "-ac",
            "1",
            "-ar",
            str(sample_rate),
            "-f",
            "f32le",
            "-acodec",
            "pcm_f32le",
            "pipe:1",
        ],
        subject=path,
    )
    samples = np.frombuffer(completed.stdout, dtype="<f4").astype(np.float32)
    if samples.size == 0:
        raise MediaError(f"{path}: the segment [{start_s or 0:.2f}, {end_s}] s holds no audio samples")
    return samples


def decode_frames(
    path: Path | str,
    start_s: float | None = None,
    end_s: float | None = None,
    *,
    fps: float = 2.0,
    max_frames: int | None = None,
    max_side: int = 640,
) -> np.ndarray:
    """RGB frames sampled at ``fps`` inside the segment, ``[t, h, w, 3]`` uint8.

    At most ``max_frames`` frames: a long segment is sampled more sparsely rather than decoded and thrown away.
    Frames larger than ``max_side`` pixels are scaled down (aspect kept). A still image (png, jpg, ...) is a
    one-frame video: its one frame is returned whatever the segment's times. Raises :class:`MediaError` when the
    file has no video stream or the segment holds no frame.
    """
    streams = probe_streams(path)
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    if video is None:
        kinds = ", ".join(sorted({str(s.get("codec_type")) for s in streams})) or "none"
        raise MediaError(f"{path}: no video stream (streams: {kinds})")
    width, height = _display_size(video)
    scale = min(1.0, max_side / max(width, height))
    width, height = max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)
    if is_still_image(path, streams):
        completed = run_tool(
            [
                "ffmpeg",
                "-nostdin",
                "-v",
                "error",
                "-i",
                str(path),
                "-map",
                "0:v:0",
                "-frames:v",
                "1",
                "-vf",
                f"scale={width}:{height}",
                "-f",
                "rawvideo",
                "-pix_fmt",
                "rgb24",
                "pipe:1",
            ],
            subject=path,
        )
        return _frames(completed.stdout, width, height, path, None, None)
    _check_segment(path, streams, start_s)
    length = (end_s - (start_s or 0.0)) if end_s is not None else media_duration(streams)
    if max_frames and length:
        fps = min(fps, max_frames / length)
    if length:
        fps = max(fps, 2.0 / length)  # a segment shorter than one sampling period still yields a frame
    completed = run_tool(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            *_segment_args(path, start_s, end_s),
            "-map",
            "0:v:0",
            "-an",
            "-vf",
            f"fps={fps:.6f},scale={width}:{height}",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "pipe:1",
        ],
        subject=path,
    )
    frames = _frames(completed.stdout, width, height, path, start_s, end_s)
    return frames[:max_frames] if max_frames else frames


IMAGE_CODECS = frozenset({"png", "mjpeg", "jpegls", "bmp", "tiff", "webp", "gif", "ppm", "pgm", "pgmyuv", "jpeg2000"})
"""ffprobe's codec names of still images (a Motion-JPEG video has a duration; an image does not)."""


def is_still_image(path: Path | str, streams: list[dict[str, Any]]) -> bool:
    """Whether ``path`` is a still image: one video stream in an image codec and no duration."""
    videos = [s for s in streams if s.get("codec_type") == "video"]
    return (
        len(videos) == 1
        and videos[0].get("codec_name") in IMAGE_CODECS
        and not any(s.get("codec_type") == "audio" for s in streams)
        and (media_duration(streams) or 0.0) <= 0.05
    )


def _frames(raw: bytes, width: int, height: int, path: Path | str, start_s: float | None, end_s: float | None):
    """Raw rgb24 bytes as ``[t, h, w, 3]`` uint8 frames; :class:`MediaError` when they hold none."""
    frames = np.frombuffer(raw, dtype=np.uint8)
    count = frames.size // (width * height * 3)
    if count == 0:
        raise MediaError(f"{path}: the segment [{start_s or 0:.2f}, {end_s}] s holds no video frame")
    return frames[: count * width * height * 3].reshape(count, height, width, 3)


def _display_size(video: dict[str, Any]) -> tuple[int, int]:
    """Width and height as displayed: ffmpeg applies the rotation a phone recording carries."""
    width, height = int(video["width"]), int(video["height"])
    rotation = video.get("tags", {}).get("rotate")
    for side_data in video.get("side_data_list", []):
        rotation = side_data.get("rotation", rotation)
    if rotation is not None and abs(int(float(rotation))) % 180 == 90:
        width, height = height, width
    return width, height
