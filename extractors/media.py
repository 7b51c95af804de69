"""Media tools in one place: finding the ffmpeg/ffprobe/espeak-ng binaries, running them, probing streams.

Every failure names the file and carries the tool's own message, so a bad input can be recorded in the
store's ``errors`` table as it is.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

INSTALL_HINT = "install it with: sudo apt-get install -y ffmpeg espeak-ng   (or run `make setup`)"


class MediaError(RuntimeError):
    """A media tool failed on a file; the message names the file and the tool's complaint."""


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
