"""GE2E speaker embeddings (Wan et al., 2018) with the weights Resemblyzer ships (``resemblyzer/pretrained.pt``).

The network is rebuilt here (three LSTM layers of 256 over 40 mel bands, a linear layer, ReLU, L2 norm) and the
weights file is read with ``torch.load(weights_only=True)``: tensors only, no unpickled objects, and none of the
package's code or its librosa/webrtcvad dependencies. As in Resemblyzer, a segment's volume is raised to
-30 dBFS, cut into 1.6 s windows at 1.3 windows a second, and the windows' embeddings averaged and normalised.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
from torch import nn

from emoflow.extractors.packaged_files import packaged_file
from emoflow.recordings.audio import SAMPLE_RATE

MEL_BANDS = 40
WINDOW = 400  # 25 ms
HOP = 160  # 10 ms
PARTIAL_FRAMES = 160  # 1.6 s
PARTIALS_PER_S = 1.3
MIN_COVERAGE = 0.75
TARGET_DBFS = -30.0
EMBEDDING_SIZE = 256


class GE2EEncoder(nn.Module):
    """Resemblyzer's speaker encoder: mel frames (batch, 160, 40) → unit-length 256-d embeddings."""

    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(MEL_BANDS, 256, 3, batch_first=True)
        self.linear = nn.Linear(256, EMBEDDING_SIZE)

    def forward(self, mels: torch.Tensor) -> torch.Tensor:
        """Embeddings of a batch of mel windows."""
        _, (hidden, _) = self.lstm(mels)
        raw = torch.relu(self.linear(hidden[-1]))
        return raw / raw.norm(dim=1, keepdim=True).clamp_min(1e-12)


@lru_cache(maxsize=1)
def load_encoder() -> GE2EEncoder:
    """The encoder with the packaged weights, in eval mode on the CPU."""
    path = packaged_file("resemblyzer", "resemblyzer/pretrained.pt")
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    state = {k: v for k, v in checkpoint["model_state"].items() if k.startswith(("lstm.", "linear."))}
    encoder = GE2EEncoder()
    encoder.load_state_dict(state)
    return encoder.eval()


@lru_cache(maxsize=1)
def mel_filters() -> np.ndarray:
    """Slaney-style mel filterbank (40 × 201), as librosa's default that Resemblyzer used."""

    def to_mel(hz: np.ndarray) -> np.ndarray:
        linear = hz / (200.0 / 3)
        log = 15.0 + np.log(np.maximum(hz, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
        return np.where(hz >= 1000.0, log, linear)

    def to_hz(mel: np.ndarray) -> np.ndarray:
        linear = mel * (200.0 / 3)
        log = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel - 15.0))
        return np.where(mel >= 15.0, log, linear)

    fft_hz = np.linspace(0, SAMPLE_RATE / 2, WINDOW // 2 + 1)
    edges = to_hz(np.linspace(to_mel(np.array(0.0)), to_mel(np.array(SAMPLE_RATE / 2)), MEL_BANDS + 2))
    widths = np.diff(edges)
    ramps = edges[:, None] - fft_hz[None, :]
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return weights.astype(np.float32)


def mel_frames(samples: np.ndarray) -> np.ndarray:
    """Power mel spectrogram, (frames, 40): 25 ms Hann windows every 10 ms, centred, zero-padded."""
    spectrum = torch.stft(
        torch.from_numpy(samples.astype(np.float32)),
        WINDOW,
        HOP,
        window=torch.hann_window(WINDOW),
        center=True,
        pad_mode="constant",
        return_complex=True,
    )
    power = spectrum.abs().pow(2).numpy()
    return (mel_filters() @ power).T.astype(np.float32)


def embed_speech(samples: np.ndarray) -> np.ndarray:
    """The unit-length speaker embedding of one stretch of 16 kHz speech."""
    loudness = 10 * np.log10(max(float(np.mean(samples.astype(np.float64) ** 2)), 1e-20))
    if loudness < TARGET_DBFS:
        samples = samples * 10 ** ((TARGET_DBFS - loudness) / 20)
    frame_step = round(SAMPLE_RATE / PARTIALS_PER_S / HOP)
    frames = int(np.ceil((len(samples) + 1) / HOP))
    starts = list(range(0, max(1, frames - PARTIAL_FRAMES + frame_step + 1), frame_step))
    if len(starts) > 1 and (len(samples) - starts[-1] * HOP) / (PARTIAL_FRAMES * HOP) < MIN_COVERAGE:
        starts = starts[:-1]
    needed = (starts[-1] + PARTIAL_FRAMES) * HOP
    if needed > len(samples):
        samples = np.pad(samples, (0, needed - len(samples)))
    mel = mel_frames(samples)
    windows = np.stack([mel[s : s + PARTIAL_FRAMES] for s in starts])
    with torch.no_grad():
        partial = load_encoder()(torch.from_numpy(windows)).numpy()
    mean = partial.mean(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)
