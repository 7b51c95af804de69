"""Long synthetic conversations with known truth, rendered once per session (needs ffmpeg and espeak-ng)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from emoflow.cli.demo_corpus.conversations import Conversation, render_conversation, script_dialogues


@pytest.fixture(scope="session")
def conversations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Conversation]:
    """Three recordings: three voices (wav), the held-out call with the demo's video (mp4), two voices in stereo."""
    missing = [b for b in ("ffmpeg", "ffprobe", "espeak-ng") if shutil.which(b) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (make setup installs them)")
    folder: Path = tmp_path_factory.mktemp("conversations")
    return {
        "chat": render_conversation(folder / "chat.wav", script_dialogues(["d01", "d04"]), seed=1),
        "call": render_conversation(folder / "call.mp4", script_dialogues(["call-0142"]), seed=2, video=True),
        "stereo": render_conversation(folder / "stereo.wav", script_dialogues(["d07"]), seed=3, stereo=True),
    }
