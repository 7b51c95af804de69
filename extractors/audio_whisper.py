"""Whisper's encoder as a speech representation: the states of each layer over the utterance, pooled.

Self-supervised and ASR encoders are what modern speech emotion recognition is built on; Whisper's is the
strongest that ships offline (Radford et al., "Robust Speech Recognition via Large-Scale Weak Supervision",
2022, section 2.3: a Transformer encoder over 80-bin log-Mel frames, 50 states per second). Each utterance is
decoded at 16 kHz and cut into windows of at most 30 s (Whisper's input); by default (``window: utterance``) a
window is as long as its audio, not padded to 30 s (a 2 s utterance costs 2 s of encoding), and shorter windows
batched with longer ones are masked, so a vector does not depend on its batch; ``window: 30s`` pads each window
with silence to 30 s as Whisper was trained. Only the states that cover the audio are pooled (mean, or mean and
standard deviation), per layer: every layer's (``layers: all``; :mod:`whisper_encoder`) side by side, or the
last layer's. The encoder runs in torch from the CTranslate2 weights speech recognition uses, float32 on CPU,
float16 autocast on CUDA.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from emoflow.extractors.base import Extraction, Extractor, UtteranceInput, batches
from emoflow.extractors.media import decode_audio, failure_reason
from emoflow.extractors.options.audio_whisper import AudioWhisperConfig
from emoflow.extractors.registry import register
from emoflow.extractors.whisper_models import resolve_whisper

SAMPLE_RATE = 16000
WINDOW_S = 30
HOP = 160
"""Samples per log-Mel frame (10 ms); the encoder gives one state per two frames (20 ms)."""


def pool(states: np.ndarray, pooling: str) -> np.ndarray:
    """``[frames, dim]`` states -> ``[dim]`` (mean) or ``[2 dim]`` (mean, standard deviation)."""
    mean = states.mean(0)
    return mean if pooling == "mean" else np.concatenate([mean, states.std(0)])


@register
class AudioWhisper(Extractor):
    """Whisper encoder states of the utterance's audio, pooled per layer (``[layers x dim]`` or twice that)."""

    name = "audio_whisper"
    modality = "audio"
    Config = AudioWhisperConfig

    def extract(self, rows: Sequence[UtteranceInput], *, cache_dir: Path, progress: bool = True) -> Extraction:
        """Decode every row's audio, encode its windows in batches, pool each utterance's states per layer."""
        import torch
        from faster_whisper.feature_extractor import FeatureExtractor

        from emoflow.core.device import resolve_device
        from emoflow.extractors.whisper_encoder import WhisperEncoder

        config: AudioWhisperConfig = self.config
        weights = resolve_whisper(config.model)
        device = resolve_device(config.device)
        encoder = WhisperEncoder.from_file(weights.folder / "model.bin").to(device).eval()
        mels = FeatureExtractor(feature_size=encoder.n_mels)
        autocast = torch.autocast("cuda", dtype=torch.float16, enabled=device.startswith("cuda") and config.fp16)
        window_samples = WINDOW_S * SAMPLE_RATE
        ids, vectors, errors = [], [], []
        for batch in tqdm(
            batches(rows, config.batch_size), desc=f"audio {self.extractor_id}", unit="batch", disable=not progress
        ):
            windows: list[np.ndarray] = []  # log-Mel windows [n_mels, frames <= 3000]
            kept: list[int] = []  # states of each window that cover its audio
            owners: list[tuple[UtteranceInput, list[int]]] = []
            for row in batch:
                try:
                    audio = decode_audio(row.sound_path or "", row.start_s, row.end_s, sample_rate=SAMPLE_RATE)
                except Exception as error:  # one bad file is recorded, the batch goes on
                    errors.append(self.error(row, failure_reason(error, row.sound_path), row.sound_path))
                    continue
                spans = []
                for start in range(0, max(1, math.ceil(len(audio) / window_samples))):
                    piece = audio[start * window_samples : (start + 1) * window_samples]
                    states = max(1, math.ceil(len(piece) / (2 * HOP)))  # the states that cover the audio
                    frames = 2 * states if config.window == "utterance" else WINDOW_S * SAMPLE_RATE // HOP
                    spans.append(len(windows))
                    kept.append(states)
                    windows.append(mels(np.pad(piece, (0, frames * HOP - len(piece))), padding=0)[:, :frames])
                owners.append((row, spans))
            if not owners:
                continue
            lengths = [w.shape[1] for w in windows]
            stacked = np.zeros((len(windows), encoder.n_mels, max(lengths)), np.float32)
            for i, mel in enumerate(windows):
                stacked[i, :, : mel.shape[1]] = mel
            with torch.inference_mode(), autocast:
                layers = encoder(torch.from_numpy(stacked).to(device), torch.tensor(lengths, device=device))
            if config.layers == "last":
                layers = layers[-1:]
            outputs = [layer.float().cpu().numpy() for layer in layers]
            for row, spans in owners:
                parts = [np.concatenate([layer[i][: kept[i]] for i in spans]) for layer in outputs]
                ids.append(row.utterance_id)
                vectors.append(np.concatenate([pool(part, config.pooling) for part in parts]).astype(np.float32))
        dim = vectors[0].shape[0] if vectors else 1
        matrix = np.stack(vectors) if vectors else np.zeros((0, dim), np.float32)
        details = {
            "model": weights.name,
            "weights_sha256": weights.sha256,
            "device": device,
            "layers": encoder.layers if config.layers == "all" else 1,
        }
        return Extraction(ids, matrix, errors=errors, details=details)
