"""Whisper's encoder as a speech representation: its states over each utterance, pooled.

Self-supervised and ASR encoders are what modern speech emotion recognition is built on; Whisper's is the
strongest that ships offline (Radford et al., "Robust Speech Recognition via Large-Scale Weak Supervision",
2022, section 2.3: a Transformer encoder over 80-bin log-Mel frames, 50 states per second). Each utterance is
decoded at 16 kHz, cut into 30 s windows (Whisper's input), each window padded as Whisper expects; only the
states that cover the utterance's own audio are pooled (mean, or mean and standard deviation). The weights are
CTranslate2's (``ctranslate2.models.Whisper.encode``), int8 on CPU, float16 on CUDA.
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
STATES_PER_S = 50
"""Whisper's encoder gives one state per 20 ms (two 10 ms Mel frames, strided convolution)."""


def pool(states: np.ndarray, pooling: str) -> np.ndarray:
    """``[frames, dim]`` states -> ``[dim]`` (mean) or ``[2 dim]`` (mean, standard deviation)."""
    mean = states.mean(0)
    return mean if pooling == "mean" else np.concatenate([mean, states.std(0)])


@register
class AudioWhisper(Extractor):
    """Whisper encoder states of the utterance's audio, pooled (``[dim]`` or ``[2 dim]``)."""

    name = "audio_whisper"
    modality = "audio"
    Config = AudioWhisperConfig

    def extract(self, rows: Sequence[UtteranceInput], *, cache_dir: Path, progress: bool = True) -> Extraction:
        """Decode every row's audio, encode its 30 s windows in batches, pool each utterance's states."""
        import ctranslate2
        from faster_whisper.feature_extractor import FeatureExtractor

        config: AudioWhisperConfig = self.config
        weights = resolve_whisper(config.model)
        device = config.device
        if device == "auto":
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        index = int(device.split(":")[1]) if ":" in device else 0
        model = ctranslate2.models.Whisper(str(weights.folder), device=device.split(":")[0], device_index=index,
                                           compute_type="float16" if device.startswith("cuda") else "int8")  # fmt: skip
        mels = FeatureExtractor(feature_size=model.n_mels)
        ids, vectors, errors = [], [], []
        for batch in tqdm(batches(rows, config.batch_size), desc=f"audio {self.extractor_id}", unit="batch",
                          disable=not progress):  # fmt: skip
            windows: list[np.ndarray] = []  # log-Mel windows [n_mels, 3000]
            lengths: list[int] = []  # samples of the utterance in each window
            owners: list[tuple[UtteranceInput, list[int]]] = []
            for row in batch:
                try:
                    audio = decode_audio(row.sound_path or "", row.start_s, row.end_s, sample_rate=SAMPLE_RATE)
                except Exception as error:  # one bad file is recorded, the batch goes on
                    errors.append(self.error(row, failure_reason(error, row.sound_path), row.sound_path))
                    continue
                spans = []
                for start in range(0, max(1, math.ceil(len(audio) / (WINDOW_S * SAMPLE_RATE)))):
                    piece = audio[start * WINDOW_S * SAMPLE_RATE : (start + 1) * WINDOW_S * SAMPLE_RATE]
                    spans.append(len(windows))
                    padded = np.pad(piece, (0, WINDOW_S * SAMPLE_RATE - len(piece)))  # Whisper pads with silence
                    windows.append(mels(padded, padding=0)[:, : WINDOW_S * 100])
                    lengths.append(len(piece))
                owners.append((row, spans))
            if not owners:
                continue
            features = np.ascontiguousarray(np.stack(windows), dtype=np.float32)
            states = np.asarray(model.encode(ctranslate2.StorageView.from_array(features), to_cpu=True))
            for row, spans in owners:
                kept = [states[i][: max(1, round(lengths[i] / SAMPLE_RATE * STATES_PER_S))] for i in spans]
                ids.append(row.utterance_id)
                vectors.append(pool(np.concatenate(kept).astype(np.float32), config.pooling))
        dim = vectors[0].shape[0] if vectors else 1
        stacked = np.stack(vectors) if vectors else np.zeros((0, dim), np.float32)
        return Extraction(ids, stacked, errors=errors, details={"model": weights.name, "weights_sha256": weights.sha256,
                                                                "device": device})  # fmt: skip
